"""Execute a tutorial notebook in place, keeping its outputs: `AMORTEX_FULL=1 python tools/run_tutorial.py nbs/tutorials/l2x.ipynb`.

Used to store the full-size outputs in the tutorials (the tests run them in quick mode without saving)."""
import sys, time
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
for p in sys.argv[1:]:
    t = time.time(); nb = read_nb(p)
    CaptureShell().run_all(nb, exc_stop=True)
    write_nb(nb, p); print(f"{p}: executed in {time.time() - t:.0f}s")
