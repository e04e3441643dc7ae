"""memoize keys: the same arguments as Flask-Caching's, without a signature read per call."""

import flask_caching.utils
from flask_caching import Cache

from app.caching.unversioned import UnversionedCache


def section(group_by="job", client_id=None, owner_id=None, limit=20, cursor=None):
    return group_by, client_id, owner_id, limit, cursor


class Service:
    def read(self, number, flag=False):
        return number, flag


def both_mappings(function, *args, **kwargs):
    """Return the key arguments of UnversionedCache and of plain Flask-Caching."""
    ours = UnversionedCache()._memoize_kwargs_to_args(function, *args, **kwargs)
    theirs = Cache()._memoize_kwargs_to_args(function, *args, **kwargs)
    return ours, theirs


def test_positional_call_maps_like_flask_caching():
    ours, theirs = both_mappings(section, (1, 2), "job", None, "u", 50, None)

    assert ours == theirs


def test_call_with_defaults_maps_like_flask_caching():
    ours, theirs = both_mappings(section, "client")

    assert ours == theirs


def test_keyword_call_maps_like_flask_caching():
    ours, theirs = both_mappings(section, "job", limit=5)

    assert ours == theirs


def test_ignored_argument_maps_like_flask_caching():
    ours, theirs = both_mappings(section, "job", 1, 2, 3, 4, args_to_ignore=["limit"])

    assert ours == theirs


def test_method_call_maps_like_flask_caching():
    service = Service()
    ours, theirs = both_mappings(Service.read, service, 7, True)

    assert ours == theirs


def test_signature_is_read_once_per_function(monkeypatch):
    reads = []
    original = flask_caching.utils._signature

    def counting(function, *args, **kwargs):
        reads.append(function)
        return original(function, *args, **kwargs)

    monkeypatch.setattr(flask_caching.utils, "_signature", counting)

    def fresh_section(client_id=None, owner_id=None):
        return client_id, owner_id

    cache = UnversionedCache()
    for number in range(5):
        cache._memoize_kwargs_to_args(fresh_section, (number,), None, None)

    assert len(reads) == 1
