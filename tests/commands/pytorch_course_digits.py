"""A course's PyTorch training script, as written for PyTorch.

tests/commands/test_course_script_runs.py runs this text twice: as it is, with PyTorch, and with
only its imports changed — and compares the losses. Keep it a plain PyTorch script.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, random_split

EPOCHS = 3
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

digits = load_digits()
X = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)   # (N, 1, 8, 8)
y = torch.tensor(digits.target, dtype=torch.long)
train_set, test_set = random_split(TensorDataset(X, y), [0.8, 0.2])
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1, bias=False)   # bn1 has the shift
        self.bn1 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def evaluate(model, loader):
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            outputs = model(xb)
            loss_sum += F.cross_entropy(outputs, yb, reduction="sum").item()
            _, predicted = torch.max(outputs, 1)
            correct += (predicted == yb).sum().item()
            total += yb.size(0)
    return loss_sum / total, correct / total


model = Net().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.02, epochs=EPOCHS,
                                                steps_per_epoch=len(train_loader))

history, evaluations = [], []
for epoch in range(EPOCHS):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        running += loss.item() * xb.size(0)
        history.append(loss.item())
    test_loss, test_acc = evaluate(model, test_loader)
    evaluations.append((test_loss, test_acc))
    print(f"epoch {epoch + 1}: train loss {running / len(train_set):.4f}, "
          f"test loss {test_loss:.4f}, accuracy {test_acc:.3f}, lr {scheduler.get_last_lr()[0]:.5f}")

torch.save(model.state_dict(), "digits_cnn.pt")
restored = Net().to(device)
restored.load_state_dict(torch.load("digits_cnn.pt"))
restored_loss, restored_acc = evaluate(restored, test_loader)
print(f"restored: test loss {restored_loss:.4f}, accuracy {restored_acc:.3f}")
