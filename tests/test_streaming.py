"""Streaming explanations (`Explainer.explain_batches`, `Explainer.explain_to_npy`): on a small set, the scores streamed through a
`DataLoader` and written to disk are those of one `explain` call, for every amortized explainer (tabular, and text for the two with
length-dependent networks), and the files land where the docstring promises. Small and fast (a few seconds on a 2-core CPU)."""
import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, IterableDataset
from amortex.core import TabularFeatures, TokenFeatures, seed_everything
from amortex.blackbox import BlackBox
from amortex.explainers import L2X, MEED, AIM, MAGNEx

D, N, C = 8, 300, 3


class Rows(Dataset):
    "Row i made from its index (nothing stored), as a data set too large for memory would be."
    def __init__(self, n, d=D): self.n, self.d = n, d
    def __len__(self): return self.n
    def __getitem__(self, i): return torch.randn(self.d, generator=torch.Generator().manual_seed(i)), 0


class Stream(IterableDataset):
    "The same rows with no length (a generator)."
    def __init__(self, n, d=D): self.n, self.d = n, d
    def __iter__(self): return (torch.randn(self.d, generator=torch.Generator().manual_seed(i)) for i in range(self.n))


def _tabular(name):
    seed_everything(0)
    bb = BlackBox(nn.Sequential(nn.Linear(D, 16), nn.ReLU(), nn.Linear(16, C)), n_classes=C)
    f = TabularFeatures(D)
    ex = {'l2x': lambda: L2X(f, C, k=2), 'meed': lambda: MEED(f, C, k=2), 'aim': lambda: AIM(f, C), 'magnex': lambda: MAGNEx(f, C)}[name]()
    ex.fit(bb, torch.randn(256, D), epochs=1, batch_size=64, progress=False)
    return ex


@pytest.mark.parametrize('name', ['l2x', 'meed', 'aim', 'magnex'])
def test_streamed_scores_on_disk_equal_explain(tmp_path, name):
    ex = _tabular(name)
    rows = Rows(N)
    x = torch.stack([rows[i][0] for i in range(N)])
    ref = ex.explain(x)
    scores, target = ex.explain_to_npy(DataLoader(rows, batch_size=64), tmp_path / 'out' / 'scores.npy', progress=False)
    assert sorted(p.name for p in (tmp_path / 'out').iterdir()) == ['scores.npy', 'scores.target.npy']
    assert isinstance(scores, np.memmap) and not scores.flags.writeable
    assert scores.shape == tuple(ref.scores.shape) and scores.dtype == np.float32  # AIM: [n, d, C]
    np.testing.assert_allclose(np.load(tmp_path / 'out' / 'scores.npy'), ref.scores.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.load(tmp_path / 'out' / 'scores.target.npy'), ref.target.numpy())
    np.testing.assert_array_equal(np.asarray(target), ref.target.numpy())
    # the generator gives the same per batch, from a stream with no length
    es = list(ex.explain_batches(DataLoader(Stream(N), batch_size=100), progress=False))
    assert [len(e) for e in es] == [100, 100, 100]
    torch.testing.assert_close(torch.cat([e.scores for e in es]), ref.scores, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', ['l2x', 'aim'])
def test_streamed_text_scores_equal_explain(tmp_path, name):
    seed_everything(0)
    V, L = 50, 20
    f = TokenFeatures(L, pad_id=0)
    class Bag(nn.Module):
        def __init__(self): super().__init__(); self.emb = nn.EmbeddingBag(V, C, mode='sum')
        def forward(self, ids): return self.emb(ids)
    bb = BlackBox(Bag(), n_classes=C)
    lengths = torch.randint(3, L + 1, (N,))
    ids = torch.randint(1, V, (N, L)) * (torch.arange(L)[None] < lengths[:, None])  # post-padded texts of varied length
    ex = L2X(f, C, k=3, vocab_size=V) if name == 'l2x' else AIM(f, C, vocab_size=V)
    ex.fit(bb, ids, epochs=1, batch_size=64, progress=False)
    ref = ex.explain(ids)
    s, t = ex.explain_to_npy(DataLoader(ids, batch_size=32), tmp_path / 'text.npy', progress=False)
    np.testing.assert_allclose(np.asarray(s), ref.scores.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(np.asarray(t), ref.target.numpy())


def test_stream_errors_name_the_batch_and_leave_no_file(tmp_path):
    ex = _tabular('l2x')
    with pytest.raises(ValueError, match=r"batch 1 of the stream \(rows from 64\) of shape \[B, 8\], got \[64, 7\]"):
        ex.explain_to_npy([torch.zeros(64, D), torch.zeros(64, D - 1)], tmp_path / 's.npy', progress=False)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="no rows"): ex.explain_to_npy([], tmp_path / 's.npy', progress=False)
    assert list(tmp_path.iterdir()) == []
