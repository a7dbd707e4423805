"""Watch a network learn, and be told what is wrong: the story of Karpathy's makemore lecture on
activations and gradients, on the digits, with viz.TrainingMonitor.

    python examples/watch_training.py            # the table below, and two pictures

A tanh MLP (64 → 100 → 100 → 100 → 10) is trained four times alike (SGD, lr 0.1, 3 epochs),
with its initialisation fixed one step at a time; after each run the monitor's diagnose()
names what it saw and the validation loss says what the fix was worth:

  1. careless: every weight and bias ~ N(0, 1)   → over-confident output, saturated tanh
  2. the last layer × 0.01 (its bias 0)           → the first loss is ln 10; tanh still saturated
  3. the hidden weights × (5/3)/√fan_in            → no finding
  4. batch norm before each tanh                  → no finding
"""
from tinygrad_edu.recipes import fix_step_by_step, stages_table

stages = fix_step_by_step(epochs=3)
print(stages_table(stages))

careless, fixed = stages[0], stages[2]
print("\nWhat the monitor says about the careless network:")
for finding in careless.findings:
    print(" -", finding.message)
print("\nand about the network with gain/√fan_in:", fixed.findings or "nothing: [] ")

careless.monitor.plot("monitor_careless.png")
fixed.monitor.plot("monitor_fixed.png")
print("\nWrote monitor_careless.png and monitor_fixed.png (activations, gradients, update ratios, loss)")
