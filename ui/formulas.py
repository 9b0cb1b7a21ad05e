"""The network's formulas in LaTeX, written once, for every page's "The maths" (st.latex).

The notation is the tutorial's and nn_core's: a1, z2, a2, z3, a3, delta3, delta2, W1, W2, λ.
A deeper network goes on the same way: with L weight matrices, a1 is the input, a2 ... aL the
hidden layers and a_{L+1} the output, each z_{l+1} = W_l [1; a_l]. The functions below write
the formulas for any depth, hidden activation g and output function; the constants are the
tutorial's (one sigmoid hidden layer, sigmoid outputs). Sums of squares skip the bias columns
(W[:, 1:]), as nn_core's cost does.
"""

# g'(z) taken from the activation a = g(z), as backprop.py takes it.
SLOPES = {"sigmoid": r"{a}(1-{a})", "tanh": r"(1-{a}^2)", "relu": r"[{a}>0]"}


def _g(name):
    return rf"\mathrm{{{name}}}"


def forward(n_hidden=1, activation="sigmoid", output="sigmoid"):
    """z_{l+1} = W_l [1; a_l] and a_{l+1} = g(z_{l+1}), layer after layer; the output function
    on the last."""
    steps = []
    for l in range(1, n_hidden + 2):
        g = _g(activation if l <= n_hidden else output)
        steps.append(rf"z_{{{l + 1}}} = W_{l} [1; a_{l}],\quad a_{{{l + 1}}} = {g}(z_{{{l + 1}}})")
    return r",\quad ".join(steps)


def prediction(n_hidden=1, activation="sigmoid", output="sigmoid"):
    """The output written as one nested formula of the pixels a1, then the answer."""
    inner = "a_1"
    for l in range(1, n_hidden + 2):
        g = _g(activation if l <= n_hidden else output)
        inner = rf"{g}\big(W_{l} [1; {inner}]\big)" if l == n_hidden + 1 else rf"{g}(W_{l} [1; {inner}])"
    out = f"a_{{{n_hidden + 2}}}"
    return rf"{out} = {inner},\qquad \text{{prediction}} = \arg\max_d {out.replace('}', ',d}')}"


def cost(n_hidden=1, output="sigmoid"):
    """J: the output's cross-entropy (the sigmoid's yes/no one, or softmax's -log of the right
    digit's probability) plus the penalty on every matrix's non-bias weights."""
    a = f"a_{{{n_hidden + 2},k}}"
    if output == "softmax":
        data = rf"J = -\frac{{1}}{{m}}\sum_{{i,k}} y_k \log {a}"
    else:
        data = (rf"J = -\frac{{1}}{{m}}\sum_{{i,k}}\left[y_k \log {a} + (1-y_k)\log(1-{a})\right]")
    penalty = " + ".join(rf"\sum W_{l}[:,1{{:}}]^2" for l in range(1, n_hidden + 2))
    return data + rf" + \frac{{\lambda}}{{2m}}\left({penalty}\right)"


def deltas(n_hidden=1, activation="sigmoid"):
    """The output error, then each hidden layer's, from the last back to the first."""
    L = n_hidden + 1
    lines = [rf"\delta_{{{L + 1}}} = a_{{{L + 1}}} - y"]
    for k in range(L, 1, -1):
        slope = SLOPES[activation].format(a=f"a_{{{k}}}")
        lines.append(rf"\delta_{{{k}}} = \left(W_{k}[:,1{{:}}]^T \delta_{{{k + 1}}}\right) \odot {slope}")
    return r",\qquad ".join(lines)


def gradient(n_hidden=1):
    """Each matrix's gradient: the next layer's error times the layer it reads, plus the penalty."""
    parts = [rf"\frac{{\partial J}}{{\partial W_{l}}} = \frac{{1}}{{m}}\sum \delta_{{{l + 1}}} "
             rf"[1; a_{{{l}}}]^T + \frac{{\lambda}}{{m}}W_{l}" for l in range(n_hidden + 1, 0, -1)]
    return r",\qquad ".join(parts) + r" \quad(\text{no }\lambda\text{ on the bias column})"


FORWARD = forward()
PREDICTION = prediction()
J = cost()
DELTAS = deltas()
GRADIENT = gradient()

GRADIENT_CHECK = (r"\text{numerical}_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}"
                  r"{2\varepsilon},\qquad \text{relative difference} = "
                  r"\frac{\lVert \text{num} - \text{backprop} \rVert}"
                  r"{\lVert \text{num} + \text{backprop} \rVert}")


def unit_delta2(j, back, slope, delta2, activation="sigmoid", deep=False):
    """Hidden unit j's delta2 worked out, two lines: the formula, then its numbers (the error sent
    back to the unit times its activation's slope). deep: the next layer is hidden, not digits."""
    k = "k" if deep else "d"
    g = SLOPES[activation].format(a=f"a_{{2,{j}}}")
    return (rf"\delta_{{2,{j}}} = \Big(\textstyle\sum_{k} W_2[{k}, {j + 1}]\,\delta_{{3,{k}}}\Big)"
            rf"\; {g}",
            rf"= ({back:.4f}) \times {slope:.4f} = {delta2:.5f}")


def unit_gradient(j, delta2):
    """Hidden unit j's row of dJ/dW1: delta2_j times the pixels, and delta2_j for the bias."""
    return (rf"\frac{{\partial J}}{{\partial W_1[{j}, 1{{:}}]}} = \delta_{{2,{j}}}\; a_1"
            rf"\qquad \frac{{\partial J}}{{\partial W_1[{j}, 0]}} = \delta_{{2,{j}}} = {delta2:.5f}")


def saliency(n_hidden=1, activation="sigmoid"):
    """d z_{L+1,d} / d a1: backprop's step back through every hidden layer, on to the pixels."""
    L = n_hidden + 1
    expr = rf"W_{L}[d, 1{{:}}]"
    for k in range(L, 1, -1):
        slope = SLOPES[activation].format(a=f"a_{{{k}}}")
        expr = rf"\left({expr} \odot {slope}\right) W_{k - 1}[:, 1{{:}}]"
    return rf"\frac{{\partial z_{{{L + 1},d}}}}{{\partial a_1}} = {expr}"


def for_network_shape(n_hidden=1, activation="sigmoid", output="sigmoid"):
    """(forward, J, deltas, gradient) for n_hidden hidden layers of `activation` and `output`."""
    return (forward(n_hidden, activation, output), cost(n_hidden, output),
            deltas(n_hidden, activation), gradient(n_hidden))
