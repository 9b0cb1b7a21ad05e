"""A network's architecture in words: what Home, Train and the downloads say about its layers.

nn_core names the functions as code does ("relu"); the pages write ReLU, the usual spelling.
The tutorial's network (one hidden layer of sigmoids, sigmoid outputs) keeps its own words.
"""

SHOWN = {"relu": "ReLU"}  # the others are written as nn_core names them


def shown(name):
    """"ReLU" for "relu"; "sigmoid", "tanh", "softmax" as they are."""
    return SHOWN.get(name, name)


def hidden_words(net):
    """"7 hidden units" for the tutorial's kind; else "100 then 50 hidden ReLU units"."""
    units = " then ".join(map(str, net.layer_sizes[1:-1]))
    if len(net.weights) == 2 and net.activation == "sigmoid":
        return f"{units} hidden units"
    return f"{units} hidden {shown(net.activation)} units"


def sizes(net):
    """"400-25-10", "400-100-50-10"."""
    return "-".join(map(str, net.layer_sizes))


def caption(net):
    """Home's sentence under the diagram: every layer, its functions, and which W joins which."""
    n = net.n_inputs
    if net.is_tutorial_shape:
        return (f"{n} inputs (one per pixel), {net.hidden_size} hidden sigmoid units and 10 outputs, "
                "one per digit. W1 connects inputs to hidden units, W2 hidden units to outputs.")
    hidden = len(net.weights) - 1
    layers = "one hidden layer" if hidden == 1 else f"{hidden} hidden layers"
    last = f"W{hidden + 1}"
    joins = "W1 connects inputs to hidden units" if hidden == 1 else (
        "W1 connects inputs to the first hidden layer, "
        + "".join(f"W{i} layer {i - 1} to layer {i}, " for i in range(2, hidden + 1))
        + f"{last} the last hidden layer to the outputs")
    if hidden == 1:
        joins += f", {last} hidden units to outputs"
    return (f"{n} inputs (one per pixel), {' then '.join(map(str, net.layer_sizes[1:-1]))} hidden "
            f"{shown(net.activation)} units ({layers}) and 10 {net.output} outputs, one per digit. "
            f"{joins}.")


def terms(net):
    """The glossary words caption(net) uses, for its tooltip."""
    words = ["a1", "a2", "a3", "W1", "W2", "bias", "hidden unit", shown(net.activation)]
    if len(net.weights) > 2:
        words.append("hidden layer")
    return list(dict.fromkeys(words + ["sigmoid" if net.output == "sigmoid" else "softmax"]))
