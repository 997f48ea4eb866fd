"""Converts the benchmark's real datasets into compact committed files (bench/real-data/*.bin.gz).

    apt-get install -y r-cran-mlbench python3-sklearn
    /usr/bin/python3 bench/real-data/make.py   # Debian's python3, which has sklearn

Sources: R package mlbench (Debian r-cran-mlbench): LetterRecognition (20,000 x 16, 26
classes), Satellite (6,435 x 36, 6 classes), Shuttle (58,000 x 9, 7 classes); scikit-learn's
bundled digits (1,797 x 64, 10 classes). Every feature of these is an integer, so a file holds
them exactly as little-endian int16: gzip of

    u32 LE header length | JSON header {name, rows, cols, K, classes, source} |
    X (rows x cols int16, row-major) | labels (rows uint8, 0..K-1)

bench/realdata.js reads a file and standardises each feature (mean 0, variance 1; a constant
feature keeps variance 0 and is only centred) in plain IEEE arithmetic, so every machine and
scikit-learn (which reads the .npy run.js writes) see the same float64 bytes.
"""
import gzip
import json
import os
import struct
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

R_SETS = [
    # (file name, R data set, label column)
    ("letter", "LetterRecognition", "lettr"),
    ("satellite", "Satellite", "classes"),
    ("shuttle", "Shuttle", "Class"),
]


def from_r(dataset, label):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.csv")
        subprocess.run(["Rscript", "-e", f'data({dataset}, package="mlbench"); d <- {dataset}; '
                        f'y <- as.integer(d[["{label}"]]) - 1L; X <- d[, names(d) != "{label}"]; '
                        f'X <- sapply(X, function(c) as.numeric(as.character(c))); '
                        f'write.table(cbind(X, y), "{out}", sep=",", row.names=FALSE, col.names=FALSE)'],
                       check=True)
        a = np.loadtxt(out, delimiter=",")
    return a[:, :-1], a[:, -1].astype(np.int64)


def write(name, X, y, source):
    assert np.all(X == np.round(X)) and X.min() >= -32768 and X.max() <= 32767, name
    classes = sorted(set(int(v) for v in y))
    remap = {c: i for i, c in enumerate(classes)}
    labels = np.array([remap[int(v)] for v in y], dtype=np.uint8)
    header = json.dumps({"name": name, "rows": int(X.shape[0]), "cols": int(X.shape[1]),
                         "K": len(classes), "source": source}).encode()
    body = struct.pack("<I", len(header)) + header + X.astype("<i2").tobytes() + labels.tobytes()
    path = os.path.join(HERE, f"{name}.bin.gz")
    with open(path, "wb") as f:
        f.write(gzip.compress(body, compresslevel=9, mtime=0))
    print(f"{name}: {X.shape[0]} x {X.shape[1]}, K={len(classes)} -> {os.path.relpath(path)} ({os.path.getsize(path)} B)")


def main():
    from sklearn.datasets import load_digits
    d = load_digits()
    write("digits", d.data, d.target, "scikit-learn load_digits (UCI optical digits, 8x8 pixel counts)")
    for name, ds, label in R_SETS:
        X, y = from_r(ds, label)
        write(name, X, y, f"R mlbench::{ds} (UCI)")


if __name__ == "__main__":
    main()
