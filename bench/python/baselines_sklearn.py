"""scikit-learn's equivalents of Model Studio's classical baselines, fitted on the exact feature
rows (and, for a capped model, the exact training subset) the studio's own baselines train on,
for bench/baselines.ts.

Usage: baselines_sklearn.py DIR
DIR holds meta.json ({"features", "train", "test", "seed", "spreadSeeds", "models": [{"model",
"subset", "settings"}]}, settings as the studio's baseline.json has them), x_train.f64 and
x_test.f64 (row-major float64, little endian), y_train.i32 and y_test.i32 (int32 labels) and,
for each model with a subset, the int32 row indices of that subset in the named file. Prints one
JSON line per model: {"model", "accuracy", "fitSeconds", "trainSamples", "sklearn"} (and for the
tree and the forest, whose fits depend on their random_state, "spread": the test accuracy with
each of spreadSeeds); a model that fails prints {"model", "error"} instead.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier


def estimator(name, settings, seed):
    if name == "lr":
        # The studio's softmax regression: multinomial, L2 with C, L-BFGS (it stops at a gradient
        # norm of 1e-4 or 200 iterations); sklearn's default max_iter of 100 can stop short.
        return LogisticRegression(C=settings["C"], multi_class="multinomial", solver="lbfgs", max_iter=5000)
    if name == "svm":
        return SVC(C=settings["C"], kernel="rbf", gamma=settings["gamma"])
    if name == "svm-linear":
        return SVC(C=settings["C"], kernel="linear")
    if name == "tree":
        # Ours: a node of at most minSamples samples is a leaf; sklearn splits a node of at least
        # min_samples_split.
        return DecisionTreeClassifier(criterion="gini", max_depth=settings["maxDepth"], min_samples_split=settings["minSamples"] + 1, random_state=seed)
    if name == "forest":
        return RandomForestClassifier(n_estimators=settings["trees"], max_depth=settings["maxDepth"], max_features="sqrt", bootstrap=True, random_state=seed, n_jobs=1)
    if name == "knn":
        return KNeighborsClassifier(n_neighbors=settings["k"])
    if name == "nb":
        return GaussianNB(var_smoothing=settings["varSmoothing"])
    raise ValueError(f"unknown model {name}")


def main():
    work = sys.argv[1]
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    d = meta["features"]
    x_train = np.fromfile(os.path.join(work, "x_train.f64"), dtype="<f8").reshape(meta["train"], d)
    y_train = np.fromfile(os.path.join(work, "y_train.i32"), dtype="<i4")
    x_test = np.fromfile(os.path.join(work, "x_test.f64"), dtype="<f8").reshape(meta["test"], d)
    y_test = np.fromfile(os.path.join(work, "y_test.i32"), dtype="<i4")
    for spec in meta["models"]:
        name = spec["model"]
        try:
            if spec.get("subset"):
                idx = np.fromfile(os.path.join(work, spec["subset"]), dtype="<i4")
                x, y = x_train[idx], y_train[idx]
            else:
                x, y = x_train, y_train
            model = estimator(name, spec["settings"], meta["seed"])
            t0 = time.perf_counter()
            model.fit(x, y)
            seconds = time.perf_counter() - t0
            accuracy = float(np.mean(model.predict(x_test) == y_test))
            out = {"model": name, "accuracy": accuracy, "fitSeconds": seconds, "trainSamples": int(len(y)), "sklearn": sklearn.__version__}
            if name == "lr":
                out["iterations"] = int(np.max(model.n_iter_))
            if name in ("tree", "forest"):
                out["spread"] = [float(np.mean(estimator(name, spec["settings"], other).fit(x, y).predict(x_test) == y_test)) for other in meta["spreadSeeds"]]
        except Exception as err:  # noqa: BLE001 - reported as a row, the other models go on
            out = {"model": name, "error": f"{type(err).__name__}: {err}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
