"""Training cost of AIM's CIFAR-10 black box (ResNet-18, torchvision, 10 classes) on this CPU, per batch of 128 32x32 images:
forward + backward + SGD step. Pixel values do not change the cost, so the batches are random.

    python benchmarks/resnet18_profile.py [--threads 1,2] [--steps 3] [--cifar-stem]

`--cifar-stem` profiles the zoo's `resnet18_32x32` (the `resnet18_cifar` entry: a 3x3 stride-1 stem and no max-pool, the
usual CIFAR variant, 16x the activations after the stem) instead of torchvision's ImageNet stem (7x7 stride 2 + max-pool)."""
import argparse, time, torch
from torch import nn
from torchvision.models import resnet18
from amortex.zoo import resnet18_32x32
p = argparse.ArgumentParser()
p.add_argument('--threads', default='1'); p.add_argument('--steps', type=int, default=3); p.add_argument('--cifar-stem', action='store_true')
a = p.parse_args()
for th in map(int, a.threads.split(',')):
    torch.set_num_threads(th); torch.manual_seed(0)
    m = resnet18_32x32(10) if a.cifar_stem else resnet18(num_classes=10)
    opt = torch.optim.SGD(m.parameters(), 0.1, momentum=0.9)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
    def step():
        opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()
    step()
    t = time.perf_counter()
    for _ in range(a.steps): step()
    s = (time.perf_counter() - t) / a.steps
    print(f"threads={th} cifar_stem={a.cifar_stem}: {s:.3f} s per batch of 128; one epoch of 50,000 images = {391 * s / 60:.1f} min", flush=True)
