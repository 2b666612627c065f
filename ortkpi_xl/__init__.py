"""ortkpi-xl : les indicateurs de performance des CFA du réseau ORT, dans Excel et en ligne de
commande.

Public API: the engine (``compute``), the indicator definitions, the configuration loader.
"""

from .config import Config, default_config, load_config
from .engine import Computation, Outcome, Result, compute
from .errors import ConfigError, InputDataError, OrtkpiError, WorkbookError
from .findings import Finding, Severity
from .indicators import INDICATORS, Indicator

__version__ = "0.1.0"

__all__ = [
    "INDICATORS",
    "Computation",
    "Config",
    "ConfigError",
    "Finding",
    "Indicator",
    "InputDataError",
    "OrtkpiError",
    "Outcome",
    "Result",
    "Severity",
    "WorkbookError",
    "__version__",
    "compute",
    "default_config",
    "load_config",
]
