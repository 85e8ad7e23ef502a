"""E5: template syntax in everything that reaches the report."""


def add(a, b):
    return "{{ 7*7 }} {{ ''.__class__.__mro__[1].__subclasses__() }} {% raw %}"


def double(n):
    raise ValueError("{{ config }} {{ self.__init__.__globals__ }} ${7*7} #{7*7}")


def probe():
    return {"{{ 6*7 }}": "{% for x in range(3) %}{{ x }}{% endfor %}"}
