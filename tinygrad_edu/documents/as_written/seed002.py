"""Write-up 002's code as written (seeds/002_065e2b79c811d893.txt, neural_network_backprop.py),
indentation restored. The write-up never shows `sigmoid`, `sigmoid_derivative`, the loss, the
training loop or the data (those are pictures or absent); the two helpers below are the ones
its call sites require (`sigmoid_derivative` is called on sigmoid OUTPUTS), and `train` is the
"1500 iterations" the text describes."""
# ruff: noqa
import numpy as np


def sigmoid(x):                 # not in the write-up
    return 1.0 / (1 + np.exp(-x))


def sigmoid_derivative(x):      # not in the write-up; x is σ(z), so this is σ'(z) = σ(z)(1 − σ(z))
    return x * (1.0 - x)


class NeuralNetwork:
    def __init__(self, x, y):
        self.input = x
        self.weights1 = np.random.rand(self.input.shape[1],4)
        self.weights2 = np.random.rand(4,1)
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))
        self.output = sigmoid(np.dot(self.layer1, self.weights2))

    def backprop(self):
        # application of the chain rule to find derivative of the loss function with respect to weights2 and weights1
        d_weights2 = np.dot(self.layer1.T, (2*(self.y - self.output) * sigmoid_derivative(self.output)))
        d_weights1 = np.dot(self.input.T, (np.dot(2*(self.y - self.output) * sigmoid_derivative(self.output), self.weights2.T) * sigmoid_derivative(self.layer1)))
        # update the weights with the derivative (slope) of the loss function
        self.weights1 += d_weights1
        self.weights2 += d_weights2


def train(x, y, iterations=1500):   # the text: "train the Neural Network for 1500 iterations"
    nn = NeuralNetwork(x, y)
    for _ in range(iterations):
        nn.feedforward()
        nn.backprop()
    return nn
