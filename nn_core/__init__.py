"""nn_core: the tutorial's digit-reading network in plain numpy and scipy.

This package never imports streamlit or plotly: the dashboard's pages import it
and draw; scripts and tests use it directly.
"""

from .activations import sigmoid
from .archives import network_npz_bytes, read_mat, read_npz
from .backprop import Activations
from .cost import cost_and_gradient, one_hot
from .datasets import (
    DATASET_INFO,
    DATASETS,
    Dataset,
    DatasetInfo,
    Split,
    builtin_shape,
    load_dataset,
    split_dataset,
    stratified_subset,
)
from .drawing import DrawingSteps, drawing_steps, prepare_drawing
from .errors import DataFormatError
from .gradcheck import GradientCheck, gradient_check
from .metrics import confusion_matrix, mistakes, per_class_accuracy
from .my_digits import MAX_MY_DIGITS
from .network import HIDDEN_RANGE, Network, check_hidden_size
from .seed_files import (
    read_seed_data,
    read_seed_weights,
    read_seed_X,
    read_seed_y,
    seed_data_bytes,
    seed_weights_bytes,
    write_seed_data,
    write_seed_weights,
)
from .sources import MAX_DIGITS, MAX_PIXELS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, MAX_X_BYTES
from .training import METHODS, Step, TrainResult, train

__all__ = [
    "Activations",
    "confusion_matrix",
    "check_hidden_size",
    "cost_and_gradient",
    "DataFormatError",
    "Dataset",
    "DATASET_INFO",
    "DatasetInfo",
    "builtin_shape",
    "DATASETS",
    "drawing_steps",
    "DrawingSteps",
    "gradient_check",
    "HIDDEN_RANGE",
    "GradientCheck",
    "load_dataset",
    "MAX_DIGITS",
    "MAX_MY_DIGITS",
    "MAX_PIXELS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_X_BYTES",
    "METHODS",
    "mistakes",
    "Network",
    "network_npz_bytes",
    "one_hot",
    "per_class_accuracy",
    "prepare_drawing",
    "read_mat",
    "read_npz",
    "read_seed_data",
    "read_seed_weights",
    "read_seed_X",
    "read_seed_y",
    "seed_data_bytes",
    "seed_weights_bytes",
    "sigmoid",
    "Split",
    "split_dataset",
    "Step",
    "stratified_subset",
    "train",
    "TrainResult",
    "write_seed_data",
    "write_seed_weights",
]
