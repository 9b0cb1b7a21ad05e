"""nn_core: the tutorial's digit-reading network in plain numpy and scipy.

This package never imports streamlit or plotly: the dashboard's pages import it
and draw; scripts and tests use it directly.
"""

from .digits import my_digits
from .digits.datasets import (
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
from .digits.drawing import RECIPES, DrawingSteps, drawing_steps, prepare_drawing
from .digits.my_digits import MAX_MY_DIGITS
from .errors import DataFormatError
from .formats import layout
from .formats.archives import network_npz_bytes, read_mat, read_npz, write_network_npz
from .formats.seed_files import (
    read_seed_data,
    read_seed_weights,
    read_seed_X,
    read_seed_y,
    seed_data_bytes,
    seed_weights_bytes,
    write_seed_data,
    write_seed_weights,
)
from .formats.sources import MAX_DIGITS, MAX_PIXELS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, MAX_X_BYTES
from .lessons import experiments
from .lessons.analysis import (
    class_counts,
    class_means,
    mean_activation_per_class,
    pca,
    pixel_histogram,
    sample_indices,
    top_activating,
)
from .lessons.grading import Grade, fitting_datasets, grade_weights, layout_mistakes
from .lessons.saliency import contrast, contributions, saliency
from .lessons.teaching import BUG_EXPLANATIONS, BUGS, backprop_one
from .network.activations import ACTIVATIONS, OUTPUTS, sigmoid
from .network.backprop import Activations
from .network.cost import cost_and_gradient, cost_terms, one_hot
from .network.gradcheck import GradientCheck, gradient_check, small_problem
from .network.knobs import (
    HIDDEN_RANGE,
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_TOTAL,
    MAX_ITER,
    METHODS,
    check_activation,
    check_hidden_size,
    check_lambda,
    check_learning_rate,
    check_maxiter,
    check_method,
    check_output,
    check_seed,
)
from .network.metrics import confusion_matrix, mistakes, per_class_accuracy
from .network.network import Network
from .network.training import Step, TrainResult, train

__all__ = [
    "ACTIVATIONS",
    "Activations",
    "backprop_one",
    "BUG_EXPLANATIONS",
    "BUGS",
    "check_activation",
    "check_hidden_size",
    "check_lambda",
    "check_learning_rate",
    "check_maxiter",
    "check_method",
    "check_output",
    "check_seed",
    "class_counts",
    "class_means",
    "confusion_matrix",
    "contrast",
    "contributions",
    "cost_and_gradient",
    "cost_terms",
    "DataFormatError",
    "Dataset",
    "DATASET_INFO",
    "DatasetInfo",
    "builtin_shape",
    "DATASETS",
    "drawing_steps",
    "DrawingSteps",
    "experiments",
    "fitting_datasets",
    "Grade",
    "grade_weights",
    "gradient_check",
    "GradientCheck",
    "HIDDEN_RANGE",
    "layout",
    "layout_mistakes",
    "load_dataset",
    "MAX_DIGITS",
    "MAX_HIDDEN_LAYERS",
    "MAX_HIDDEN_TOTAL",
    "MAX_ITER",
    "MAX_MY_DIGITS",
    "MAX_PIXELS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_X_BYTES",
    "mean_activation_per_class",
    "METHODS",
    "mistakes",
    "my_digits",
    "Network",
    "network_npz_bytes",
    "one_hot",
    "OUTPUTS",
    "pca",
    "per_class_accuracy",
    "pixel_histogram",
    "prepare_drawing",
    "read_mat",
    "read_npz",
    "read_seed_data",
    "read_seed_weights",
    "read_seed_X",
    "read_seed_y",
    "RECIPES",
    "saliency",
    "sample_indices",
    "seed_data_bytes",
    "seed_weights_bytes",
    "sigmoid",
    "small_problem",
    "Split",
    "split_dataset",
    "Step",
    "stratified_subset",
    "top_activating",
    "train",
    "TrainResult",
    "write_seed_data",
    "write_network_npz",
    "write_seed_weights",
]
