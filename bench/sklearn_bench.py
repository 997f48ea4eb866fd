"""scikit-learn side of the gmm-wasm benchmark (driven by bench/run.js).

Reads one JSON job on stdin, writes one JSON result on stdout; or, with --serve, answers
one command per line (see serve()). scikit-learn runs as it runs by default (its BLAS
threads not limited) and, for the per-iteration timing, also limited to one thread
(threadpoolctl), the comparison with gmm-wasm's one thread.

Jobs
  {"mode": "info"}
  {"mode": "e2e", "tasks": [...]}     default fits (k-means init, tol 1e-3)
  {"mode": "mem", "task": {...}}      one default fit in this (fresh) process: memory

Per-iteration time (--serve): run.js asks for one pair of fits at a time, with
max_iter=1 and max_iter=N (tol=0), alternating with its own gmm-wasm pairs so that both
are timed over the same stretch of time; each fit is timed with time.perf_counter around
GaussianMixture.fit.
The start is given as weights_init, means_init, precisions_init; init_params is
'random_from_data' (the cheapest; scikit-learn 1.2 still runs the initialiser before
overriding it with the explicit start, and that cost is in both T(1) and T(N)).
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")  # ConvergenceWarning: tol=0 never converges, by design


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def maxrss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def reset_peak():
    """Resets the kernel's peak-RSS counter (VmHWM, which ru_maxrss reads) to the current RSS,
    so that the peak after the fit is the fit's own and not one of start-up or loading."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def info():
    import sklearn
    import scipy
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
           "python": sys.version.split()[0], "blas": []}
    try:
        from threadpoolctl import threadpool_info
        for p in threadpool_info():
            out["blas"].append({k: p.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer", "architecture")})
    except Exception as e:  # threadpoolctl missing: not fatal
        out["blas_error"] = str(e)
    return out


def start_arrays(t):
    K, d, typ = t["K"], t["d"], t["type"]
    w = np.array(t["weights"], dtype=np.float64)
    m = np.array(t["means"], dtype=np.float64).reshape(K, d)
    p = np.array(t["precisions"], dtype=np.float64)
    shape = {"full": (K, d, d), "tied": (d, d), "diag": (K, d), "spherical": (K,)}[typ]
    return w, m, p.reshape(shape)


class Iterations:
    """Per-iteration timing of one workload, one pair of fits at a time (mode "serve")."""

    def __init__(self, t):
        from sklearn.mixture import GaussianMixture
        self.X = np.load(t["npy"])
        assert self.X.shape == (t["n"], t["d"]) and self.X.dtype == np.float64
        w, m, p = start_arrays(t)
        self.N = t["iters"]
        self.model = lambda max_iter: GaussianMixture(
            n_components=t["K"], covariance_type=t["type"], tol=0.0, reg_covar=t["regCovar"],
            max_iter=max_iter, n_init=1, init_params="random_from_data", weights_init=w,
            means_init=m, precisions_init=p, random_state=0)
        self.g1 = self.gN = None
        self.timed(1, None)  # warm-up (imports, caches)

    def timed(self, max_iter, threads):
        gm = self.model(max_iter)
        if threads is None:
            t0 = time.perf_counter()
            gm.fit(self.X)
            return (time.perf_counter() - t0) * 1e3, gm
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=threads):
            t0 = time.perf_counter()
            gm.fit(self.X)
            return (time.perf_counter() - t0) * 1e3, gm

    def pair(self, order, threads=None):
        """threads: None (scikit-learn's default: every BLAS/OpenMP thread) or a limit
        (threadpoolctl), e.g. 1 for the one-thread comparison."""
        if order == 0:
            a, self.g1 = self.timed(1, threads)
            b, self.gN = self.timed(self.N, threads)
        else:
            b, self.gN = self.timed(self.N, threads)
            a, self.g1 = self.timed(1, threads)
        return {"t1": a, "tN": b}

    def finish(self):
        return {
            "startLL": float(self.g1.lower_bound_),     # mean log-likelihood of the start
            "lowerBound": float(self.gN.lower_bound_),  # before the N-th M-step
            "finalLL": float(self.gN.score(self.X)),    # of the parameters after N iterations
            "nIter": int(self.gN.n_iter_),
        }


def serve():
    """One JSON command per line on stdin, one JSON answer per line on stdout:
    {"op": "load", "task": {...}} → {}, {"op": "pair", "order": 0|1, "threads": null|1} → {"t1", "tN"},
    {"op": "finish"} → the log-likelihoods, {"op": "quit"}. Errors answer {"error": ...}."""
    it = None
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "quit":
            break
        try:
            if op == "load":
                it = Iterations(cmd["task"])
                out = {}
            elif op == "pair":
                out = it.pair(cmd["order"], cmd.get("threads"))
            elif op == "finish":
                out = it.finish()
            else:
                out = {"error": "unknown op " + op}
        except Exception as e:  # reported to run.js, which marks the workload
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


def e2e_task(t):
    from sklearn.mixture import GaussianMixture
    X = np.load(t["npy"])
    times, gm = [], None
    deadline = time.perf_counter() + t["budgetS"]
    for r in range(t["reps"] + 1):  # the first is a warm-up
        if r > t["minReps"] and time.perf_counter() > deadline:
            break
        gm = GaussianMixture(n_components=t["K"], covariance_type=t["type"], tol=1e-3,
                             reg_covar=t["regCovar"], max_iter=100, n_init=1,
                             init_params="kmeans", random_state=t["seed"])
        t0 = time.perf_counter()
        gm.fit(X)
        if r > 0:
            times.append((time.perf_counter() - t0) * 1e3)
    return {"name": t["name"], "samples": times, "nIter": int(gm.n_iter_),
            "lowerBound": float(gm.lower_bound_), "converged": bool(gm.converged_)}


def mem_task(t):
    from sklearn.mixture import GaussianMixture
    X = np.load(t["npy"])
    few = min(len(X), 200)  # a small fit first: lazy imports and caches, as in fit-child.js
    GaussianMixture(n_components=min(t["K"], few), covariance_type=t["type"], reg_covar=1e-3,
                    random_state=t["seed"]).fit(X[:few])
    gm = GaussianMixture(n_components=t["K"], covariance_type=t["type"], tol=1e-3,
                         reg_covar=t["regCovar"], max_iter=100, n_init=1,
                         init_params="kmeans", random_state=t["seed"])
    reset = reset_peak()
    before = rss_bytes()
    max_before = maxrss_bytes()
    t0 = time.perf_counter()
    gm.fit(X)
    ms = (time.perf_counter() - t0) * 1e3
    peak = maxrss_bytes()
    return {"name": t["name"], "peakReset": reset, "rssBefore": before, "maxRssBefore": max_before, "maxRss": peak,
            "rssAfter": rss_bytes(), "fitMs": ms, "nIter": int(gm.n_iter_)}


def main():
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    job = json.load(sys.stdin)
    mode = job["mode"]
    if mode == "info":
        out = info()
    elif mode == "e2e":
        out = [e2e_task(t) for t in job["tasks"]]
    elif mode == "mem":
        out = mem_task(job["task"])
    else:
        raise SystemExit("unknown mode " + mode)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
