"""Train a small neural network to read handwritten digits (scikit-learn's 8×8 images).

    python examples/digits_mlp.py

A 64 → 64 → 10 multilayer perceptron: Linear, ReLU, Linear, then softmax cross-entropy,
trained with Adam on mini-batches. It reaches about 97% accuracy on held-out digits in a
second or two.
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim
from tinygrad_edu.data import load_split
from tinygrad_edu.utils.data import DataLoader, TensorDataset

tg.manual_seed(0)

# 1. Data: 1797 images of 8×8 = 64 pixels, labels 0..9; 75% to train, 25% to test.
X_train, X_test, y_train, y_test = load_split("digits", test_fraction=0.25, seed=0)
print(f"train {X_train.shape}, test {X_test.shape}")
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)  # as PyTorch's

# 2. Model: the network's parameters are found automatically (model.parameters()).
model = nn.Sequential(
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 10),  # one score (logit) per digit
)
optimizer = optim.Adam(model.parameters(), lr=3e-3)

# 3. Training: forward, loss, backward (autograd fills every .grad), step.
for epoch in range(15):
    total = 0.0
    for xb, yb in train_loader:  # a new order every epoch, from tg.manual_seed
        optimizer.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)  # softmax + negative log-likelihood in one stable op
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    print(f"epoch {epoch + 1:2d}   loss {total / len(X_train):.4f}")

# 4. Evaluation: no graph needed, so no_grad.
with tg.no_grad():
    predictions = model(Tensor(X_test)).data.argmax(axis=1)
print(f"test accuracy: {np.mean(predictions == y_test):.1%}")

# 5. Save the trained weights (a file that cannot run code when loaded), as torch.save would:
# tg.save(model.state_dict(), "digits_mlp.pt"), later model.load_state_dict(tg.load("digits_mlp.pt"))
