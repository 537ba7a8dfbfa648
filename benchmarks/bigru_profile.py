"""Training cost of AIM's IMDB black box (`zoo.BiGRUClassifier`, embedding 100, hidden 250) per batch of 50 reviews on this
CPU: forward + backward + Adam step, at the lengths a batch is cut to (the longest review in it; 400 = the cap), with 1 or 2
threads, optionally `torch.compile`d. Token values do not change the cost, so the batches are random ids.

    python benchmarks/bigru_profile.py [--threads 1,2] [--lengths 400,230,120] [--steps 5] [--compile]"""
import argparse, time, torch
from amortex.zoo import BiGRUClassifier
p = argparse.ArgumentParser()
p.add_argument('--threads', default='1,2'); p.add_argument('--lengths', default='400,230,120')
p.add_argument('--steps', type=int, default=5); p.add_argument('--compile', action='store_true')
a = p.parse_args()
for th in map(int, a.threads.split(',')):
    torch.set_num_threads(th)
    for L in map(int, a.lengths.split(',')):
        torch.manual_seed(0)
        m = BiGRUClassifier(30000, 2)
        f = torch.compile(m) if a.compile else m
        opt = torch.optim.Adam(m.parameters(), 1e-3)
        x, y = torch.randint(1, 30000, (50, L)), torch.randint(0, 2, (50,))
        def step():
            opt.zero_grad(); torch.nn.functional.cross_entropy(f(x), y).backward(); opt.step()
        step()  # warm-up (and compilation)
        t = time.perf_counter()
        for _ in range(a.steps): step()
        s = (time.perf_counter() - t) / a.steps
        print(f"threads={th} length={L} compile={a.compile}: {s:.3f} s per batch of 50; 5 epochs of 22,500 reviews = {5 * 450 * s / 3600:.2f} h", flush=True)
