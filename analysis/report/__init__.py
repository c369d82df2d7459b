"""The weekly report: its content, its sections and its renderings.

:mod:`.content` gathers the figures from the same insight functions as the dashboard;
:mod:`.summary` puts the brand and its competitors in two plain sentences; :mod:`.sections`
turns them into titled sections; :mod:`.markdown`, :mod:`.html` and :mod:`.pdf`
render them; :mod:`.files` picks the rendering by file suffix and saves it. May import insight,
topics, campaigns and suggestions; never ``analysis.jobs`` or ``dashboard``.
"""
