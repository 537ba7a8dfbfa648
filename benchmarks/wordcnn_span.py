"""The zoo's word CNN (`zoo.WordCNN`: L2X's IMDB black box, AIM's AG News one) skips, under `no_grad` in eval mode, the columns
whose embedding is zero (PAD) in every row of a batch, beyond `kernel` of them on each side. This script checks on the real suite's data that the logits are those of
the whole 400-column input, bit for bit, and times one batch both ways (one thread):

    OMP_NUM_THREADS=1 python benchmarks/wordcnn_span.py

For each task (the real suite's `ag_news`, post-padded, and `imdb`, pre-padded) and three kinds of batch:
  - 'test batch'   10 batches of 100 test texts, as the metrics and the explainers' training see them;
  - 'masked 5%'    the same batches with 95% of the tokens set to PAD (a hard mask, as AIM and MAGNEx query the black box);
  - 'perturbed'    200 random maskings of one text (what Captum LIME / KernelSHAP send per call), for 10 texts.
Prints, per kind: batches bitwise equal, largest |difference|, argmax changes, the columns kept, and seconds per batch for the
whole input and for the kept span. Results: benchmarks/results/wordcnn_span/README.md."""
import time, torch, torch.nn.functional as F
from amortex.benchmark import REAL_TASKS, task_data, task_blackbox

def whole(M, x):
    "The word CNN's eval-mode forward pass over every column (the reference)."
    h = M.emb(x).transpose(1, 2)
    if h.shape[2] < M.kernel: h = F.pad(h, (0, M.kernel - h.shape[2]))
    return M.fc2(F.relu(M.fc1(F.relu(M.conv(h)).amax(2))))

def batches(x, g):
    "The three kinds of batch for test inputs `x` `[N, L]`."
    test = [x[i:i + 100] for i in range(0, 1000, 100)]
    masked = [torch.where(torch.rand(b.shape, generator=g) < 0.05, b, torch.zeros_like(b)) for b in test]
    perturbed = [torch.where(torch.rand(200, x.shape[1], generator=g) < 0.5, x[i], torch.zeros_like(x[i])) for i in range(10)]
    return {'test batch': test, 'masked 5%': masked, 'perturbed': perturbed}

if __name__ == '__main__':
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    for name in ('ag_news', 'imdb'):
        task = REAL_TASKS[name]
        m = task_blackbox(task, 0).model.eval()
        x = task_data(task, 'test', 1000, 0).x
        print(f"{name} ({task.blackbox}, {x.shape[1]} columns, padded {task.options['side']}):")
        with torch.no_grad():
            for kind, bs in batches(x, g).items():
                equal, diff, flips, cols, t_whole, t_span = 0, 0., 0, 0, 0., 0.
                for b in bs:
                    t = time.perf_counter(); r = whole(m, b); t_whole += time.perf_counter() - t
                    t = time.perf_counter(); a = m(b); t_span += time.perf_counter() - t
                    kept = m.kept_columns(m.emb(b)); cols += kept.stop - kept.start
                    equal += int(torch.equal(a, r)); diff = max(diff, (a - r).abs().max().item()); flips += int((a.argmax(1) != r.argmax(1)).sum())
                n = len(bs)
                print(f"  {kind:11s} {equal}/{n} batches bitwise equal, max |diff| {diff:.2g}, argmax changes {flips}; "
                      f"columns kept {cols / n:.0f} of {x.shape[1]}; s per batch: whole {t_whole / n:.4f}, span {t_span / n:.4f} ({t_whole / t_span:.1f}x)")
