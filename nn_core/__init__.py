"""nn_core: the tutorial's digit-reading network in plain numpy and scipy.

This package never imports streamlit or plotly: the dashboard's pages import it
and draw; scripts and tests use it directly.
"""

from .cost import cost_and_gradient, one_hot
from .errors import DataFormatError
from .gradcheck import GradientCheck, gradient_check
from .metrics import confusion_matrix, mistakes, per_class_accuracy
from .network import Activations, Network, sigmoid
from .training import METHODS, Step, TrainResult, train

__all__ = [
    "Activations",
    "DataFormatError",
    "GradientCheck",
    "METHODS",
    "Network",
    "Step",
    "TrainResult",
    "confusion_matrix",
    "cost_and_gradient",
    "gradient_check",
    "mistakes",
    "one_hot",
    "per_class_accuracy",
    "sigmoid",
    "train",
]
