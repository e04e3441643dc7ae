"""memoize keys built without reading the function's signature on every call.

To build a key, Flask-Caching maps a call's arguments to the function's
parameters: it reads the signature once for their names and once more for each
parameter's default. A dashboard section of 6 parameters read it 8 times per key,
at about 21 microseconds each on a 2-core machine, and a miss builds its key
twice. Every service here is called with all of its arguments by position, and
then the mapping is the arguments themselves.
"""

import functools
from collections import OrderedDict

from flask_caching.utils import get_arg_names


@functools.cache
def _parameter_names(function):
    return tuple(get_arg_names(function))


class PositionalKeyArguments:
    """A Cache mixin: calls that pass every parameter by position skip the signature."""

    def _memoize_kwargs_to_args(self, f, *args, **kwargs):
        names = _parameter_names(f)
        # What Flask-Caching's mapping returns for such a call. It treats a first
        # parameter named self or cls as an instance, and fills in defaults, keyword
        # arguments and ignored arguments, so those calls take its path.
        positional = not kwargs.get("args_to_ignore") and kwargs.keys() <= {"args_to_ignore"}
        if positional and len(args) >= len(names) and names[:1] not in (("self",), ("cls",)):
            return tuple(args), OrderedDict()
        return super()._memoize_kwargs_to_args(f, *args, **kwargs)
