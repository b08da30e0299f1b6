"""umap-learn (Debian's umap-learn package) on a points file as bench_umap reads them, for
bench/umap_words.sh: its defaults (n_neighbors 15, min_dist 0.1, spectral initialisation, 500
epochs up to 10,000 points), random_state 1 (which also makes it single-threaded). Writes the
layout and prints one JSON line with the wall seconds of fit_transform (numba's compilation
excluded: a first small fit warms it up).

    /usr/bin/python3 bench/umap_learn.py POINTS LAYOUT
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import umap  # noqa: E402


def read_points(path):
    with open(path, "rb") as f:
        n, d = np.frombuffer(f.read(8), dtype="<i4")
        return np.frombuffer(f.read(), dtype="<f4").reshape(n, d)


def main():
    x = read_points(sys.argv[1])
    umap.UMAP(random_state=1).fit_transform(x[:300])  # numba compiles here, not in the timing
    t0 = time.perf_counter()
    y = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=1).fit_transform(x)
    seconds = time.perf_counter() - t0
    with open(sys.argv[2], "wb") as f:
        f.write(np.array(y.shape, dtype="<i4").tobytes())
        f.write(np.ascontiguousarray(y, dtype="<f4").tobytes())
    print(json.dumps({"n": int(x.shape[0]), "dim": int(x.shape[1]), "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
