"""The SQL function that folds a skills array to lower case, for case-insensitive matching.

The function itself is created by a migration; this module lets queries call it.
A GIN index on ``lower_skills(skills)`` serves ``lower_skills(skills) @> ARRAY[...]``.
"""

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.functions import GenericFunction


class lower_skills(GenericFunction):
    type = ARRAY(Text)
    name = "lower_skills"
    inherit_cache = True
