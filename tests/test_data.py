"""Full-size checks of `amortex.data` on the offline data (AMORTEX_DATA), and of the download path with a local HTTP server.

Parsed data is cached in AMORTEX_CACHE (a temporary folder when unset), so a second run is fast.
"""
import functools, hashlib, http.server, json, os, socket, sys, threading
from pathlib import Path

import pytest
import torch

import amortex.data as data
from amortex.core import PatchFeatures, PixelFeatures, TabularFeatures, TokenFeatures
from amortex.data import ArrayDataset, DataNotFoundError, ChecksumError, Vocab, find_file, load

ROOT = os.environ.get('AMORTEX_DATA')
needs_data = pytest.mark.skipif(not ROOT or not Path(ROOT).is_dir(),
                                reason="AMORTEX_DATA is not set to the offline data folder (e.g. ../shared/data); "
                                       "these tests read every data set from it")


@pytest.fixture(scope='session', autouse=True)
def _cache(tmp_path_factory):
    "Use $AMORTEX_CACHE when set (fast repeated runs), else a session temporary folder."
    if os.environ.get('AMORTEX_CACHE'):
        yield
        return
    mp = pytest.MonkeyPatch()
    mp.setenv('AMORTEX_CACHE', str(tmp_path_factory.mktemp('amortex_cache')))
    yield
    mp.undo()


def _check(ds, n, n_classes, shape, dtype=torch.float32):
    assert isinstance(ds, ArrayDataset)
    assert len(ds) == n and ds.x.shape == (n, *shape) and ds.x.dtype == dtype
    assert ds.y.dtype == torch.int64 and ds.y.shape == (n,)
    assert ds.n_classes == n_classes and int(ds.y.min()) >= 0 and int(ds.y.max()) < n_classes
    assert ds.features.input_shape == tuple(shape)


# ---------------------------------------------------------------- images

@needs_data
@pytest.mark.parametrize('name', ['mnist', 'fashion_mnist'])
def test_mnist_like(name):
    tr, te = load(name, 'train'), load(name, 'test')
    _check(tr, 60000, 10, (1, 28, 28)); _check(te, 10000, 10, (1, 28, 28))
    assert 0 <= float(tr.x.min()) and float(tr.x.max()) <= 1 and float(tr.x.max()) > 0.99   # in [0, 1], not normalised
    assert isinstance(tr.features, PixelFeatures) and tr.features.d == 784
    assert torch.allclose(te.features.mean, tr.x.mean(0), atol=1e-4)                   # training-mean image on every split
    if name == 'fashion_mnist':
        assert tr.classes[2] == 'Pullover' and tr.class_counts() == [6000] * 10 and te.class_counts() == [1000] * 10
        assert 'not the official' in tr.info or 'NOT' in tr.info


@needs_data
def test_mnist_class_subset():
    tr = load('mnist', 'train', classes=(3, 8), patch=4, how='mean')
    te = load('mnist', 'test', classes=(3, 8), patch=4)
    assert len(tr) == 11982 and len(te) == 1984                    # L2X's 3-vs-8 sizes
    assert set(tr.y.tolist()) == {0, 1} and tr.classes == ['3', '8']
    full = load('mnist', 'test')
    assert te.class_counts() == [full.class_counts()[3], full.class_counts()[8]]
    assert isinstance(tr.features, PatchFeatures) and tr.features.d == 49 and tr.features.how == 'mean'
    assert torch.allclose(te.features.mean, tr.x.mean(0), atol=1e-4)
    rev = load('mnist', 'test', classes=(8, 3))                     # order given = new labels
    assert rev.classes == ['8', '3'] and torch.equal(rev.y, 1 - te.y)
    with pytest.raises(ValueError, match="no class 11"): load('mnist', classes=(3, 11))
    with pytest.raises(ValueError, match="no class 'Pullover'"): load('mnist', classes=('Pullover',))


@needs_data
def test_cifar10():
    tr, te = load('cifar10', 'train'), load('cifar10', 'test', patch=None)
    _check(tr, 50000, 10, (3, 32, 32)); _check(te, 10000, 10, (3, 32, 32))
    assert tr.class_counts() == [5000] * 10 and te.class_counts() == [1000] * 10
    assert tr.classes[0] == 'airplane' and tr.classes[-1] == 'truck'
    assert isinstance(tr.features, PatchFeatures) and tr.features.d == 16
    assert isinstance(te.features, PixelFeatures) and te.features.d == 1024
    m = tr.x[:5000].mean((0, 2, 3))                                 # channel means of real CIFAR images
    assert 0.3 < float(m.min()) and float(m.max()) < 0.7 and 0 <= float(tr.x.min()) and float(tr.x.max()) <= 1
    cats = load('cifar10', 'test', classes=('cat', 'dog'))
    assert len(cats) == 2000 and cats.classes == ['cat', 'dog']


# ---------------------------------------------------------------- text

@needs_data
def test_imdb():
    tr, te = load('imdb', 'train'), load('imdb', 'test')
    _check(tr, 25000, 2, (400,), torch.int64); _check(te, 25000, 2, (400,), torch.int64)
    assert tr.class_counts() == [12500, 12500] and te.class_counts() == [12500, 12500]
    assert tr.classes == ['neg', 'pos']
    assert isinstance(tr.features, TokenFeatures) and tr.features.how == 'pad' and tr.features.vocab is tr.vocab
    assert len(tr.vocab) == 20000 and tr.vocab.itos[:2] == ['<pad>', '<unk>'] and te.vocab.itos == tr.vocab.itos
    assert len(tr.texts) == len(tr.tokens) == 25000
    for i in (0, 123, 24999):                                       # a tokenized review decodes back to its words
        toks = te.tokens[i]
        assert toks == data.tokenize(te.texts[i])[:400]
        assert te.vocab.decode(te.x[i]) == [t if t in te.vocab else '<unk>' for t in toks]
        known = [t for t in toks if t in te.vocab]
        assert te.vocab.decode(te.vocab.encode(known)) == known
    # Keras conventions: keep the last maxlen words and pad in front
    pre = load('imdb', 'test', max_vocab=5000, side='pre')
    long = max(range(200), key=lambda i: len(data.tokenize(pre.texts[i])))
    assert pre.tokens[long] == data.tokenize(pre.texts[long])[-400:] and len(pre.vocab) == 5000
    short = min(range(200), key=lambda i: len(pre.tokens[i]))
    assert pre.x[short, 0] == Vocab.PAD and pre.x[short, -1] != Vocab.PAD
    sub = te.subset([5, 7])
    assert sub.texts == [te.texts[5], te.texts[7]] and sub.tokens[1] == te.tokens[7] and torch.equal(sub.x[0], te.x[5])
    # Keras' preprocessed IMDB has no punctuation tokens: neither the vocabulary nor the reviews keep any
    nop = load('imdb', 'test', max_vocab=5000, side='pre', punctuation=False)
    punct = {',', '.', '!', '?', '"', '(', ')', '-', '/', ':', ';'}
    assert ',' in pre.vocab and '.' in pre.vocab and not punct & set(nop.vocab.itos) and len(nop.vocab) == 5000
    words = [t for t in data.tokenize(nop.texts[long]) if t not in punct and not (len(t) == 1 and not t.isalnum())]
    assert nop.tokens[long] == words[-400:] and not punct & set(nop.tokens[long])
    with pytest.raises(TypeError, match="punctuation must be True or False"): load('imdb', 'test', punctuation='no')


@needs_data
def test_ag_news():
    tr, te = load('ag_news', 'train'), load('ag_news', 'test')
    _check(tr, 6080, 4, (400,), torch.int64); _check(te, 1520, 4, (400,), torch.int64)
    assert tr.classes == ['World', 'Sports', 'Business', 'Sci/Tech']
    assert te.class_counts() == [368, 393, 400, 359]               # the last 1,520 rows of the official test CSV
    assert [a + b for a, b in zip(tr.class_counts(), te.class_counts())] == [1900] * 4
    assert '#39;' not in ' '.join(tr.texts[:500]) and '\\' not in ' '.join(tr.texts[:500])
    assert te.vocab.itos == tr.vocab.itos


@needs_data
def test_hatexplain():
    div = json.loads((Path(ROOT)/'hatexplain'/'post_id_divisions.json').read_text())
    sizes = {'train': 15383, 'val': 1922, 'test': 1924}
    for sp, n in sizes.items():
        ds = load('hatexplain', sp)
        _check(ds, n, 2, (200,), torch.int64)
        assert ds.post_id == div[sp] and len(div[sp]) == n     # every post of the official division, in its order
        assert ds.classes == ['normal', 'toxic']
    assert load('hatexplain', 'train').class_counts() == [6251, 4748 + 4384]
    three = load('hatexplain', 'test', binary=False)
    assert three.classes == ['normal', 'hatespeech', 'offensive'] and three.class_counts() == [782, 594, 548]
    assert load('hatexplain', 'valid').split == 'val'              # alias
    with pytest.raises(ValueError, match="valid splits: 'train', 'val', 'test'"): load('hatexplain', 'dev2')


# ---------------------------------------------------------------- tabular

TABULAR = {  # name: (rows in the source, d, classes)
    'adult': (30162, 104, 2), 'admission': (400, 7, 2), 'wine_quality_red': (1599, 11, 6),
    'qsar_biodeg': (1055, 20, 2), 'steel_plates_fault': (1941, 27, 7),
    'breast_cancer': (569, 30, 2), 'wine': (178, 13, 3), 'digits': (1797, 64, 10),
}


@pytest.mark.parametrize('name', list(TABULAR))
def test_tabular(name):
    if name not in ('breast_cancer', 'wine', 'digits') and not (ROOT and Path(ROOT).is_dir()):
        pytest.skip("AMORTEX_DATA is not set to the offline data folder")
    rows, d, C = TABULAR[name]
    parts = {sp: load(name, sp) for sp in ('train', 'valid', 'test')}
    assert sum(len(p) for p in parts.values()) == rows
    assert abs(len(parts['train']) - 0.7 * rows) <= 2 and abs(len(parts['test']) - 0.2 * rows) <= 1
    idx = torch.cat([p.index for p in parts.values()])
    assert sorted(idx.tolist()) == list(range(rows))              # a partition of the file's rows
    for p in parts.values():
        _check(p, len(p), C, (d,))
        assert isinstance(p.features, TabularFeatures) and p.features.how == 'mean' and len(p.features.names) == d
        assert torch.equal(p.features.mean, parts['train'].features.mean)
    assert torch.allclose(parts['train'].x.mean(0), torch.zeros(d), atol=1e-4)
    # stratified: class shares agree between train and test
    share = lambda p: torch.tensor(p.class_counts(), dtype=torch.float) / len(p)
    assert (share(parts['train']) - share(parts['test'])).abs().max() < 0.02
    assert torch.equal(load(name, 'test').x, parts['test'].x)       # deterministic
    assert not torch.equal(load(name, 'test', seed=1).index, parts['test'].index)


@needs_data
def test_tabular_choices():
    adm = load('admission', 'train')
    assert adm.features.names[0] == 'GRE_Score' and 'Serial_No.' not in adm.features.names
    total = sum(sum(load('admission', sp).class_counts()[1:]) for sp in ('train', 'valid', 'test'))
    assert total == 204                                            # Chance_Admit >= 0.73 (the median)
    assert load('adult', 'test', onehot=False).d == 14
    assert 'sex=Male' in load('adult').features.names
    assert load('wine_quality_red', binary=True).classes == ['quality<6', 'quality>=6']
    assert load('steel_plates_fault').classes[-1] == 'Other_Faults'
    raw = load('admission', 'test', standardize=False)
    assert raw.x[:, 0].min() > 250                                 # GRE scores, not standardised


# ---------------------------------------------------------------- synthetic and errors

def test_synthetic():
    for name, k in [('xor', 2), ('orange_skin', 4), ('nonlinear_additive', 4), ('switch', 5)]:
        tr, va, te = (load(name, sp) for sp in ('train', 'valid', 'test'))
        assert (len(tr), len(va), len(te)) == (10000, 2000, 2000)
        assert tr.x.shape == (10000, 10) and tr.relevant.shape == (10000, 10) and tr.prob.shape == (10000,)
        assert (tr.relevant.sum(1) == k).all() and tr.features.names[0] == 'X1'
        assert not torch.equal(tr.x[:2000], te.x) and torch.equal(load(name, 'test').x, te.x)
        assert abs(float(tr.y.float().mean() - tr.prob.mean())) < 0.03
    assert len(load('xor', n=123)) == 123


def test_errors():
    with pytest.raises(KeyError, match="known datasets: .*imdb.*mnist"): load('mnsit')
    with pytest.raises(ValueError, match="valid splits: 'train', 'test'"): load('imdb', 'valid')
    with pytest.raises(ValueError, match="valid splits: 'train', 'valid', 'test'"): load('xor', 'eval')
    with pytest.raises(TypeError, match="unknown option"): load('breast_cancer', classes=(1,))
    with pytest.raises(ValueError, match="no class 9"): load('wine').select_classes([0, 9])
    assert 'mnist' in data.list_datasets() and data.list_datasets()['imdb']['options']['maxlen'] == 400


# ---------------------------------------------------------------- downloads (no network: a local HTTP server)

@pytest.fixture
def server(tmp_path):
    "Serve tmp_path/'www' over HTTP on 127.0.0.1 in a background thread."
    www = tmp_path/'www'; www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True); t.start()
    yield www, f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown(); httpd.server_close()


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    root, cache = tmp_path/'root', tmp_path/'cache'
    root.mkdir()
    monkeypatch.setenv('AMORTEX_DATA', str(root)); monkeypatch.setenv('AMORTEX_CACHE', str(cache))
    return root, cache


def test_download_into_cache(server, empty_env):
    www, url = server; root, cache = empty_env
    payload = b'amortex test payload\n' * 1000
    (www/'small.bin').write_bytes(payload)
    p = find_file('sub/small.bin', f'{url}/small.bin', 'sha256:' + hashlib.sha256(payload).hexdigest())
    assert p == cache/'sub'/'small.bin' and p.read_bytes() == payload
    assert list(root.iterdir()) == []                                # the root is never written to
    p.write_bytes(b'cached')                                         # found in the cache next time: no download
    assert find_file('sub/small.bin', f'{url}/small.bin').read_bytes() == b'cached'
    md5 = hashlib.md5(payload).hexdigest()
    assert data.fetch(f'{url}/small.bin', cache/'x.bin', md5=md5).read_bytes() == payload
    with pytest.raises(PermissionError, match='read-only data root'): data.fetch(f'{url}/small.bin', root/'x.bin')


def test_download_checksum_mismatch(server, empty_env):
    www, url = server; root, cache = empty_env
    (www/'small.bin').write_bytes(b'corrupted')
    with pytest.raises(ChecksumError, match='expected 0123'):
        find_file('sub/small.bin', f'{url}/small.bin', 'md5:0123')
    assert not (cache/'sub'/'small.bin').exists() and not list((cache/'sub').glob('*'))   # no partial file left


def test_download_unreachable(empty_env):
    root, cache = empty_env
    with socket.socket() as s:                                       # a port nobody listens on
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    url = f'http://127.0.0.1:{port}/aclImdb_v1.tar.gz'
    with pytest.raises(DataNotFoundError) as e: find_file('aclImdb_v1.tar.gz', url, 'md5:7c2ac02c03563afcf9b574c7e56c153a')
    msg = str(e.value)
    assert isinstance(e.value, FileNotFoundError)
    assert 'aclImdb_v1.tar.gz' in msg and url in msg and 'AMORTEX_DATA' in msg and str(root) in msg


def test_loader_downloads_missing_file(server, empty_env, monkeypatch):
    "A loader whose file is missing downloads it from SOURCES (patched to the local server) and checks it."
    www, url = server; root, cache = empty_env
    src = Path(ROOT or '')/'tabular'/'admission.csv'
    if not src.exists(): pytest.skip("AMORTEX_DATA is not set to the offline data folder")
    (www/'Admission_Predict.csv').write_bytes(src.read_bytes())
    monkeypatch.setitem(data.SOURCES, 'tabular/admission.csv', (f'{url}/Admission_Predict.csv', data.SOURCES['tabular/admission.csv'][1]))
    ds = load('admission', 'test')
    assert len(ds) == 80 and (cache/'tabular'/'admission.csv').exists() and list(root.iterdir()) == []
    monkeypatch.setitem(data.SOURCES, 'tabular/qsar-biodeg.csv', (f'{url}/Admission_Predict.csv', data.SOURCES['tabular/qsar-biodeg.csv'][1]))
    with pytest.raises(ChecksumError): load('qsar_biodeg')         # wrong bytes behind the URL: refused
    assert not (cache/'tabular'/'qsar-biodeg.csv').exists()
