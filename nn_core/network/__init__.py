"""The network's maths and training: activations, forward and back propagation, the Network
itself, the cost J and its gradient, the gradient check, training with scipy, and the metrics."""
