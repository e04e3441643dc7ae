"""Extension objects, created unbound here and bound to the app in create_app()."""

from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sock import Sock
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from app.caching.unversioned import UnversionedCache
from app.openapi import Api

# Named constraints let migrations drop them and let app/errors.py map a
# violated constraint back to the field it protects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay readable after commit, so a service can return what it just saved
# without a second SELECT per object.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False},
)
migrate = Migrate()
api = Api()
cache = UnversionedCache()
sock = Sock()
# Limits are declared on the views that need them (login); there is no default limit.
limiter = Limiter(key_func=get_remote_address)
cors = CORS()
