"""The tutorial's train.py and predict.py as one command: python -m nn_core train | predict.

How it works
1. `train` loads the digits (a built-in set, or your X.in / y.in), splits them 70/15/15,
   trains on the 70 % (optionally from your W1.in / W2.in), prints progress and the
   train / validation / test accuracy, and writes TrainedW1.in / TrainedW2.in in the
   tutorial's layout; any other network (--hidden 100,50, --activation relu, --output
   softmax) is written as network.npz, which holds its architecture too.
2. `predict --index N` loads those trained weights (or --network file.npz) and prints the
   predicted and the true digit of example N, as the tutorial's predict.py does with testNo.
Bad files or flags end with a one-line message and exit code 2, never a traceback.
"""

import argparse
import sys
from pathlib import Path

from .digits.datasets import DATASETS, load_dataset, split_dataset
from .errors import DataFormatError
from .formats.archives import read_npz, write_network_npz
from .formats.seed_files import read_seed_data, read_seed_weights, write_seed_weights
from .network.activations import ACTIVATIONS, OUTPUTS
from .network.knobs import HIDDEN_RANGE, MAX_HIDDEN_LAYERS, METHODS, parse_hidden_size
from .network.training import train


def _parser():
    p = argparse.ArgumentParser(prog="python -m nn_core", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def data_flags(q):
        q.add_argument("--dataset", default="mnist-20x20", choices=DATASETS,
                       help="built-in digits to use when --x/--y are not given (default: %(default)s)")
        q.add_argument("--x", type=Path, help="the tutorial's X.in (one image per row, column-major)")
        q.add_argument("--y", type=Path, help="the tutorial's y.in (one-hot rows, class 10 = digit 0)")

    t = sub.add_parser("train", help="train the network and write TrainedW1.in / TrainedW2.in")
    data_flags(t)
    t.add_argument("--lambda", dest="lambd", type=float, default=1.0,
                   help="regularization strength lambda >= 0 (default: %(default)s)")
    t.add_argument("--maxiter", type=int, default=50, help="optimizer iterations (default: %(default)s)")
    t.add_argument("--hidden", dest="hidden_size", default=None, type=_hidden_sizes,
                   help=f"hidden units, {HIDDEN_RANGE[0]} to {HIDDEN_RANGE[1]}, or one such number "
                   f"per hidden layer separated by commas (up to {MAX_HIDDEN_LAYERS}, e.g. 100,50); "
                   "default: 25, or the size of --w1's start weights")
    t.add_argument("--activation", default=None,
                   help=f"hidden units' activation: {', '.join(ACTIVATIONS)} (default: sigmoid)")
    t.add_argument("--output", default=None,
                   help=f"output layer: {', '.join(OUTPUTS)} (default: sigmoid)")
    t.add_argument("--method", default="L-BFGS-B", choices=METHODS, help="optimizer (default: %(default)s)")
    t.add_argument("--learning-rate", type=float, default=1.0, help="step size for --method GD")
    t.add_argument("--seed", type=int, default=0, help="seed for the random start weights")
    t.add_argument("--w1", type=Path, help="start weights W1.in (hidden x inputs+1, hidden in the "
                   "same range as --hidden); with --w2")
    t.add_argument("--w2", type=Path, help="start weights W2.in (10 x hidden+1); with --w1")
    t.add_argument("--out", type=Path, default=Path("data"),
                   help="folder for TrainedW1.in / TrainedW2.in, or network.npz for any other "
                   "network (default: %(default)s)")

    q = sub.add_parser("predict", help="predict one example with the trained weights")
    data_flags(q)
    q.add_argument("--index", type=int, default=3402, help="which example (the tutorial's testNo)")
    q.add_argument("--w1", type=Path, default=Path("data/TrainedW1.in"), help="default: %(default)s")
    q.add_argument("--w2", type=Path, default=Path("data/TrainedW2.in"), help="default: %(default)s")
    q.add_argument("--network", type=Path, help="a saved network.npz (any architecture) instead "
                   "of --w1 / --w2")
    return p


def _hidden_sizes(text):
    """"25" -> 25, "100,50" -> (100, 50); train checks the range (knobs.check_hidden_size)."""
    try:
        layers = parse_hidden_size(text, "--hidden")
    except DataFormatError as e:  # argparse's own one-line error and exit code 2
        raise argparse.ArgumentTypeError(str(e).removeprefix("--hidden: ")) from None
    return layers[0] if len(layers) == 1 else tuple(layers)


def _data(args):
    if (args.x is None) != (args.y is None):
        raise DataFormatError("give both --x and --y, or neither (to use --dataset)")
    if args.x is not None:
        return read_seed_data(args.x, args.y)
    return load_dataset(args.dataset)


def _train(args):
    ds = _data(args)
    init = None
    if (args.w1 is None) != (args.w2 is None):
        raise DataFormatError("give both --w1 and --w2, or neither (to start from random weights)")
    if args.w1 is not None:
        init = read_seed_weights(args.w1, args.w2, n_inputs=ds.n_inputs)
    split = split_dataset(ds, seed=0)
    print(f"{ds.name}: {len(ds)} digits, {ds.n_inputs} inputs; training on {len(split.train)}")

    def progress(step, _network):
        if step.iteration % 10 == 0 or step.iteration == args.maxiter:
            print(f"  iteration {step.iteration:4d}  cost J = {step.cost:.4f}  ({step.seconds:.1f} s)")

    result = train(split.train.X, split.train.y, hidden_size=args.hidden_size, lambd=args.lambd,
                   maxiter=args.maxiter, seed=args.seed, init=init, method=args.method,
                   callback=progress, learning_rate=args.learning_rate,
                   activation=args.activation, output=args.output)
    print(f"{result.message} ({result.seconds:.1f} s)")
    net = result.network
    for part in ("train", "validation", "test"):
        d = getattr(split, part)
        print(f"{part:>10} accuracy: {net.accuracy(d.X, d.y):.2%}  ({len(d)} digits)")
    args.out.mkdir(parents=True, exist_ok=True)
    if net.is_tutorial_shape:
        w1, w2 = args.out / "TrainedW1.in", args.out / "TrainedW2.in"
        write_seed_weights(net, w1, w2)
        print(f"wrote {w1} and {w2}")
    else:  # the tutorial's files cannot say how many layers or which activation
        path = args.out / "network.npz"
        write_network_npz(net, path)
        print(f"wrote {path} ({net!r}); predict with --network {path}")
    return 1 if result.diverged else 0


def _predict(args):
    if args.network is None and not (args.w1.exists() and args.w2.exists()):
        raise DataFormatError(f"no trained weights at {args.w1} and {args.w2}: run "
                              "`python -m nn_core train` first, or give --network file.npz")
    ds = _data(args)
    if args.network is not None:
        net = read_npz(args.network)["network"]
        if net is None:
            raise DataFormatError(f"{args.network} holds no network (W1, W2, ...)")
        net.check_inputs(ds.X[:1])
    else:
        net = read_seed_weights(args.w1, args.w2, n_inputs=ds.n_inputs)
    if not 0 <= args.index < len(ds):
        raise DataFormatError(f"--index must be between 0 and {len(ds) - 1}, found {args.index}")
    p = net.predict_proba(ds.X[args.index])[0]
    print(f"example {args.index}: predicted digit {p.argmax()} ({p.max():.1%} sure), "
          f"true digit {ds.y[args.index]}")
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return _train(args) if args.command == "train" else _predict(args)
    except (DataFormatError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
