"""Every named WSDL type, top-level element and operation envelope, under the name Marketo's docs use.

``from mktows.types import ParamsSyncCustomObjects, CustomObj, ArrayOfAttribute, Attribute,
SyncOperationEnum, AuthenticationHeader, SyncCustomObjectsInput, SyncCustomObjectsOutput``. These are the
generated classes themselves (re-exported from ``mktows_generated.wsdl_names``), so whatever xsdata called a
class (``MobjStatus``, ``ParamsSyncCustomObjects1``), its WSDL name works here.
"""

from mktows_generated.wsdl_names import *  # noqa: F403
from mktows_generated.wsdl_names import __all__ as __all__
