"""Products' sales channels use the portal's one ``ChoiceListField``.

The name stays importable here because products' migrations refer to
``products.fields.ChoiceListField``.
"""

from targeting.fields import ChoiceListField

__all__ = ["ChoiceListField"]
