"""Page variants (issue 14 item 5b): a copy of a page served, at the page's own URL, to an
audience instead of the page. Its own app (label ``variants``): docs/targeting.md, "Page variants".
"""
