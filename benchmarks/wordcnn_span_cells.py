"""The real suite's text cells before and after the word CNN's PAD-column skip, side by side (benchmarks/results/wordcnn_span/).

    python benchmarks/wordcnn_span_cells.py BEFORE AFTER [AFTER ...]

Each directory holds the `cells/real` of a run (`run_real(..., cells=DIR + '/cells')`); an AFTER cell is taken from the first AFTER
directory that has it. Writes benchmarks/results/wordcnn_span/real_seed0_before_after.csv: per cell the fit seconds and explain
milliseconds per sample in both runs, and the largest absolute difference of the quality columns from the recorded cell."""
import sys
from pathlib import Path
import pandas as pd
from real_jobs_check import cells, quality_diff

HERE = Path(__file__).parent
if __name__ == '__main__':
    before, afters = Path(sys.argv[1]), [Path(a) for a in sys.argv[2:]]
    rec, old, new = cells(HERE / 'results' / 'bench' / 'real'), cells(before), {}
    for a in reversed(afters): new.update(cells(a))
    rows = [dict(task=o['task'], method=o['method'], kind=o['kind'], fit_s_before=round(o['fit_s'], 1), fit_s_after=round(new[k]['fit_s'], 1),
                 explain_ms_before=round(1e3 * o['explain_s_per_sample'], 3), explain_ms_after=round(1e3 * new[k]['explain_s_per_sample'], 3),
                 max_quality_diff_before=quality_diff(o, rec[k]), max_quality_diff_after=quality_diff(new[k], rec[k]))
            for k, o in old.items() if not o.get('skipped') and k in new]
    df = pd.DataFrame(rows); df.to_csv(HERE / 'results' / 'wordcnn_span' / 'real_seed0_before_after.csv', index=False)
    print(df.to_string(index=False))
