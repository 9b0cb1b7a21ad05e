"""Saliency: which input pixels would change the network's answer most, found by backprop.

How it works
1. Run the drawing forward: a1 -> z2 -> a2 -> z3 -> a3 (Network.forward).
2. Output unit d's score z3_d = W2[d, 0] + W2[d, 1:] . a2 depends on a2 through W2[d, 1:].
3. Each hidden unit's a2 = sigmoid(z2) moves by a2 (1 - a2) per unit of z2 (the sigmoid's
   derivative taken from the activation), and z2 moves by W1[:, 1:] per unit of a1.
4. The chain rule multiplies these, exactly as backprop does for delta2 (it calls the backward
   pass's own step, backprop.hidden_error), but goes on to the pixels instead of the weights:

       d z3_d / d a1 = (W2[d, 1:] * a2 (1 - a2)) @ W1[:, 1:]
       d a3_d / d a1 = a3_d (1 - a3_d) * d z3_d / d a1

5. A positive value at a pixel means "more ink here would raise digit d's score"; a negative
   one means "ink here argues against d".

Deeper networks: the same step back is repeated through every hidden layer (hidden_error with
that layer's weights and slope), then through W1 to the pixels. "z3" and "a3" name the output
layer's score and output whatever the depth; with softmax outputs, the a3 step multiplies by
the softmax's slope, diag(a) - a a^T, instead of a (1 - a).

Which output: the default is z3, the score before the last sigmoid. The a3 gradient carries
the factor a3_d (1 - a3_d), which is nearly 0 whenever the network is sure (a3_d near 1 or 0):
the map of a confident "7" would be almost blank, although the same pixels still decide it.
z3 keeps the picture visible, and the difference of two scores, z3_7 - z3_1, answers exactly
"which pixels made it say 7 and not 1". output="a3" gives the probability's own gradient.
"""

import numpy as np

from ..errors import DataFormatError
from ..network.activations import ACTIVATIONS
from ..network.backprop import hidden_error
from ..network.network import N_OUTPUTS

OUTPUTS = ("z3", "a3")


def jacobian(net, x, output="z3"):
    """d output_d / d a1 for all 10 digits at once: a (10, n) array for one input x of n pixels."""
    if output not in OUTPUTS:
        raise DataFormatError(f"output must be one of {', '.join(OUTPUTS)}, found {output!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 and not (x.ndim == 2 and x.shape[0] == 1):
        raise DataFormatError(f"saliency takes one example (a vector of pixels), found shape {x.shape}")
    act = net.forward(x.ravel())
    # One row per output unit d, in the place of backprop's delta3: 1 at z3_d, or for a3 the
    # output's slope there (the sigmoid's a3_d (1 - a3_d), the softmax's diag(a) - a a^T).
    a = act.output[0]
    if output == "z3":
        delta = np.eye(N_OUTPUTS)
    elif net.output == "softmax":
        delta = np.diag(a) - np.outer(a, a)
    else:
        delta = np.diag(ACTIVATIONS["sigmoid"].derivative(a))
    # Backprop's own step back through each hidden layer, then on to the pixels through W1.
    for l in range(len(net.weights) - 1, 0, -1):
        delta = hidden_error(delta, net.weights[l], act.a[l][0], net.activation)
    return delta @ net.W1[:, 1:]  # (10, n)


def saliency(net, x, digit, output="z3"):
    """d output_digit / d a1: one value per pixel of x (n,), same layout as x."""
    return jacobian(net, x, output)[_check_digit(digit)]


def contrast(net, x, digit, other, output="z3"):
    """Which pixels push towards `digit` rather than `other`: saliency(digit) - saliency(other)."""
    J = jacobian(net, x, output)
    return J[_check_digit(digit)] - J[_check_digit(other)]


def contributions(net, x, digit):
    """The terms of z3_digit: a2_j * W2[digit, j+1] per hidden unit j (their sum + bias is z3);
    in a deeper network, those of the last hidden layer and the last matrix.

    Positive terms are hidden units that voted for the digit, negative ones voted against.
    """
    last_hidden = net.forward(np.asarray(x, dtype=np.float64).ravel()).a[-2][0]
    return last_hidden * net.weights[-1][_check_digit(digit), 1:]


def _check_digit(digit):
    if not (isinstance(digit, (int, np.integer)) and 0 <= digit < N_OUTPUTS):
        raise DataFormatError(f"digit must be a whole number 0-9, found {digit!r}")
    return int(digit)
