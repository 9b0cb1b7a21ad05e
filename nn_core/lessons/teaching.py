"""Backprop taken apart for teaching: broken variants to catch, and one digit's full journey.

How it works
1. BUGS maps a plain-English name to a cost function
   cost_fn(weights, X, Y, lambd, activation, output) -> (J, (dW1, dW2, ...)). "correct" is the
   real one; every other entry is the same function with one classic backprop mistake switched
   on in the backward pass, in every layer (backprop.backward(bug=...)): J stays right, the
   gradient goes wrong, and gradient_check(cost_fn=...) shows what a bug looks like.
2. backprop_one(net, x, label) runs one example through the same forward and backward passes
   and keeps every intermediate (a1, z2, a2, z3, a3, delta3, delta2, and further layers of a
   deeper network) and its gradients dW1, dW2, ...; for the tutorial's network:
       delta3 = a3 - y,   delta2 = (W2[:, 1:]^T delta3) * a2 (1 - a2),
       dW1 = delta2 [1, a1]^T,   dW2 = delta3 [1, a2]^T   (+ lambd W on non-bias columns, m = 1).
3. Row j of dW1 without its bias is delta2_j * a1: hidden unit j's gradient has the shape of
   the input image, so the dashboard can draw it.
4. delta2 is kept in its two factors as well: the error sent back, W2[:, 1:]^T delta3, and the
   sigmoid's slope a2 (1 - a2), so a page can show delta2 = back * slope for one unit.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import DataFormatError
from ..network.activations import ACTIVATIONS
from ..network.backprop import backward
from ..network.cost import check_labels, check_lambda, cost_and_gradient_arrays, one_hot, terms
from ..network.network import N_OUTPUTS

# Each wrong entry is the one backward pass that trains, with one switch (backprop.MISTAKES) on.
BUGS = {
    "correct backprop": cost_and_gradient_arrays,
    "forget the sigmoid derivative": partial(cost_and_gradient_arrays, bug="no derivative"),
    "regularize the bias too": partial(cost_and_gradient_arrays, bug="bias penalised"),
    "forget to divide by m": partial(cost_and_gradient_arrays, bug="no 1/m"),
    "use delta3 = y - a3 (sign error)": partial(cost_and_gradient_arrays, bug="sign"),
}

BUG_EXPLANATIONS = {
    "correct backprop": "The gradient of the cost J exactly as the cost defines it.",
    "forget the sigmoid derivative": (
        "delta2 = W2ᵀ delta3 without the factor a2 (1 − a2): the error is passed back "
        "as if the hidden units were straight lines, not sigmoids (in a deeper network, or with "
        "tanh or relu units, every hidden layer's slope g′ is left out)."
    ),
    "regularize the bias too": (
        "The gradient adds (λ/m)·W on the bias column as well, but J never penalised the biases. "
        "With λ = 0 this bug is invisible: the check only catches it when λ > 0."
    ),
    "forget to divide by m": (
        "The data part of the gradient is summed over the m examples but not averaged, while J is "
        "an average: every arrow is m times too long."
    ),
    "use delta3 = y - a3 (sign error)": (
        "The output error has the wrong sign, so the data part of the gradient points uphill: "
        "training would make the network worse at every step."
    ),
}


@dataclass(frozen=True)
class Backprop:
    """One example's forward and backward pass, every vector named as in the tutorial.

    a = (a1, a2, ..., aL), z = (z2, ..., zL), deltas = (delta2, ..., deltaL) and grads =
    (dW1, ..., dWL) of this one example (m = 1); the tutorial's names are properties.
    """

    a: tuple
    z: tuple
    y: np.ndarray  # (10,) one-hot label
    deltas: tuple
    grads: tuple
    J: float  # this example's cost (m = 1)
    lambd: float
    back: np.ndarray  # (h,) the error sent back to the first hidden layer, W2[:, 1:]^T delta3
    slope: np.ndarray  # (h,) the activation's slope there, a2 (1 - a2) for the sigmoid;
    # delta2 = back * slope

    a1 = property(lambda self: self.a[0])  # (n,) the pixels
    a2 = property(lambda self: self.a[1])
    a3 = property(lambda self: self.a[2])  # the outputs for one hidden layer
    z2 = property(lambda self: self.z[0])
    z3 = property(lambda self: self.z[1])
    output = property(lambda self: self.a[-1])  # (10,) the outputs
    delta2 = property(lambda self: self.deltas[0])
    delta3 = property(lambda self: self.deltas[1])
    dW1 = property(lambda self: self.grads[0])
    dW2 = property(lambda self: self.grads[1])

    def unit_gradient(self, j):
        """Hidden unit j's input-weight gradient without the bias: delta2_j * a1 (+ lambd W1 part)."""
        return self.dW1[j, 1:]

    @property
    def prediction(self):
        """The digit the network says: the output unit with the largest output."""
        return int(np.argmax(self.output))

    @property
    def largest_error_unit(self):
        """The hidden unit with the largest error |delta2| for this example."""
        return int(np.argmax(np.abs(self.delta2)))


def backprop_one(net, x, label, lambd=0.0):
    """Forward and backward pass of one example x (n,) with true digit label (0-9)."""
    x = net.check_inputs(x)
    if x.shape[0] != 1:
        raise DataFormatError(f"backprop_one takes one example, found {x.shape[0]} rows")
    label = int(check_labels(np.atleast_1d(label), 1)[0])
    lambd = check_lambda(lambd)
    act = net.forward(x)
    Y = one_hot([label], N_OUTPUTS)
    grad = backward(net.weights, act, Y, lambd, net.activation)
    data, reg = terms(net.weights, act, Y, lambd, net.output)
    a, deltas = tuple(v[0] for v in act.a), tuple(d[0] for d in grad.deltas)
    # delta2's two factors: the error carried back from the next layer, and the slope g'(z2).
    back = net.weights[1][:, 1:].T @ deltas[1]
    slope = ACTIVATIONS[net.activation].derivative(a[1])
    return Backprop(a, tuple(v[0] for v in act.z), Y[0], deltas, grad.grads, data + reg, lambd,
                    back=back, slope=slope)
