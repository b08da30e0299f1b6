"""scikit-learn's Barnes-Hut t-SNE on the same points as bench_tsne, and the t-SNE report.

    /usr/bin/python3 bench/tsne_vs_sklearn.py run POINTS [--n-jobs N]
        one JSON line: wall seconds, trustworthiness (k = 10) of scikit-learn's layout
    /usr/bin/python3 bench/tsne_vs_sklearn.py score POINTS LAYOUT [--metric cosine]
        scikit-learn's trustworthiness (k = 10) of any layout (ours: one judge for all layouts)
    /usr/bin/python3 bench/tsne_vs_sklearn.py vectors VECTORS N POINTS
        the first N word vectors of a word2vec text file (the most frequent words), scaled to unit
        length (so euclidean neighbours are cosine neighbours), as a points file
    /usr/bin/python3 bench/tsne_vs_sklearn.py report RESULTS_DIR README
        writes the "## t-SNE" section of README from the JSON lines in RESULTS_DIR

Files as bench_tsne writes them: int32 n, int32 d, then n*d float32. Driven by bench/tsne_compare.sh.
Settings match ours: perplexity 30, 1,000 iterations, early exaggeration 12 for 250, learning rate
"auto", PCA initialisation, angle (theta) 0.5.
"""
import json
import os
import statistics
import sys
import time

import numpy as np


def read_points(path):
    with open(path, "rb") as f:
        n, d = np.frombuffer(f.read(8), dtype="<i4")
        return np.frombuffer(f.read(), dtype="<f4").reshape(n, d)


def metric_of(args):
    return args[args.index("--metric") + 1] if "--metric" in args else "euclidean"


def run(args):
    from sklearn.manifold import TSNE, trustworthiness

    x = read_points(args[0])
    n_jobs = int(args[args.index("--n-jobs") + 1]) if "--n-jobs" in args else None
    tsne = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto",
                n_iter=1000, init="pca", method="barnes_hut", angle=0.5, random_state=0, n_jobs=n_jobs)
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    out = {"n": int(x.shape[0]), "dim": int(x.shape[1]), "n_jobs": n_jobs,
           "omp_threads": os.environ.get("OMP_NUM_THREADS", "default"), "seconds": round(seconds, 3),
           "iterations_run": int(tsne.n_iter_), "kl": round(float(tsne.kl_divergence_), 4),
           "trustworthiness": round(float(trustworthiness(x, y, n_neighbors=10, metric=metric_of(args))), 4)}
    if "--layout" in args:
        write_points(args[args.index("--layout") + 1], y)
    print(json.dumps(out))


def score(args):
    from sklearn.manifold import trustworthiness

    x, y = read_points(args[0]), read_points(args[1])
    print(round(float(trustworthiness(x, y, n_neighbors=10, metric=metric_of(args))), 4))


def write_points(path, x):
    x = np.ascontiguousarray(x, dtype="<f4")
    with open(path, "wb") as f:
        f.write(np.array(x.shape, dtype="<i4").tobytes())
        f.write(x.tobytes())


def vectors(args):
    path, n, out = args[0], int(args[1]), args[2]
    rows = []
    with open(path, encoding="utf-8") as f:
        f.readline()  # "count dim"
        for line in f:
            rows.append([float(v) for v in line.split(" ")[1:]])
            if len(rows) == n:
                break
    x = np.array(rows, dtype=np.float64)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    write_points(out, x)


def report(args):
    folder, readme = args

    def lines(name):
        with open(os.path.join(folder, name)) as f:
            return [json.loads(line) for line in f if line.strip()]

    def median(rows, key):
        return statistics.median(r[key] for r in rows)

    ours, one, default = lines("ours.jsonl"), lines("sklearn_1thread.jsonl"), lines("sklearn_default.jsonl")

    def wasm_row():
        if not os.path.exists(os.path.join(folder, "ours_wasm.jsonl")):
            return "| ours, WebAssembly in node | | not measured (no em++) | | |"
        w = lines("ours_wasm.jsonl")
        return (f"| ours, WebAssembly (`-O3 -msimd128`) in node {w[0]['node']}, 1 thread | {len(w)} | "
                f"{median(w, 'seconds'):.1f} s | {median(w, 'ours_trustworthiness_by_sklearn'):.4f} | {median(w, 'kl'):.3f} |")
    def browser_row():
        if not os.path.exists(os.path.join(folder, "ours_browser.jsonl")):
            return "| ours, WebAssembly in the browser | | not measured (no dist/ or no Chromium) | | |"
        b = lines("ours_browser.jsonl")
        return (f"| ours, WebAssembly in headless Chromium {b[0].get('chromium', '')} (the page's worker, `bench/tsne_browser.mjs`) | "
                f"{len(b)} | {median(b, 'seconds'):.1f} s | {median(b, 'ours_trustworthiness_by_sklearn'):.4f} | |")
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import sklearn
    n, dim = ours[0]["n"], ours[0]["dim"]
    section = [
        "## t-SNE",
        "",
        f"Written by `bench/tsne_compare.sh` ({time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores shared with "
        f"other work: load average {os.getloadavg()[2]:.1f} over the last 15 minutes at the end of the run). "
        f"Input: {n:,} points in {dim} dimensions (20 overlapping Gaussian clusters, seeded, one file read by both). "
        "Both: Barnes-Hut, theta 0.5, perplexity 30, 1,000 iterations (250 with early exaggeration 12), "
        "learning rate scikit-learn's auto (104.17 given to ours), PCA initialisation. Wall time includes the neighbour search and calibration. "
        "Trustworthiness k = 10, computed by scikit-learn for every layout "
        "(our C++ `trustworthiness()` below as a cross-check). Medians of the runs shown.",
        "",
        "| implementation | runs | wall time | trustworthiness (k = 10) | KL |",
        "|---|---|---|---|---|",
        f"| ours, native C++ (`-O3 -march=native`, 1 thread) | {len(ours)} | {median(ours, 'seconds'):.1f} s | "
        f"{median(ours, 'ours_trustworthiness_by_sklearn'):.4f} | {median(ours, 'kl'):.3f} |",
        wasm_row(),
        browser_row(),
        f"| scikit-learn {sklearn.__version__}, 1 thread (`OMP_NUM_THREADS=1`, `n_jobs=1`) | {len(one)} | "
        f"{median(one, 'seconds'):.1f} s | {median(one, 'trustworthiness'):.4f} | {median(one, 'kl'):.3f} |",
        f"| scikit-learn {sklearn.__version__}, default threads ({os.cpu_count()}) | {len(default)} | "
        f"{median(default, 'seconds'):.1f} s | {median(default, 'trustworthiness'):.4f} | {median(default, 'kl'):.3f} |",
        "",
        f"Our own split: affinities {median(ours, 'seconds_affinities'):.2f} s, iterations "
        f"{median(ours, 'seconds_iterations'):.1f} s; our C++ trustworthiness {median(ours, 'trustworthiness'):.4f}. "
        "KL is each library's own estimate (ours: exact Z below 2,000 points, else the quadtree's).",
        "",
        "The browser row is the page itself: vectors opened through Open vectors, t-SNE started from the t-SNE form (perplexity 30, learning rate 104.17 as scikit-learn's auto, 1,000 iterations, PCA initialisation: no earlier layout of these words to warm-start from; theta is not on the form, so the page's default, 0.8 since the t-SNE of word vectors section below), timed from the Run click until the page says done; it runs in the worker in 25 ms slices and streams every slice's layout to the map, which draws it. Its layout, read back from the map, is scored by scikit-learn like the others.",
        "",
        "Run it: `bench/tsne_compare.sh` (`RUNS=` runs per configuration, default 3; `OUT=` for the results, "
        "default `build/bench/tsne/`; uses Debian's `/usr/bin/python3` with python3-sklearn, installed by the script when missing, and em++ for the WebAssembly row).",
        "",
    ]
    if median(default, "seconds") > median(one, "seconds"):
        section[-1:] = [
            "",
            "scikit-learn's default threads (OpenMP on every core) were slower than one thread in this run: "
            "its threads wait on each other while other work holds the shared cores. PEERS.md, measured "
            "quieter: 33.4 s with 1 thread, 20.5 s with 2.",
            "",
        ]
    text = open(readme).read() if os.path.exists(readme) else "# Benchmarks\n\n"
    start = text.find("## t-SNE")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section)
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + "\n".join(section) + ("\n" + text[end + 1:] if end >= 0 else "")
    with open(readme, "w") as f:
        f.write(text)
    print("\n".join(section))


if __name__ == "__main__":
    {"run": run, "score": score, "vectors": vectors, "report": report}[sys.argv[1]](sys.argv[2:])
