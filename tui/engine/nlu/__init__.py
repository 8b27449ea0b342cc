"""Reading what people type: numbers, times, quotes and typos (``numbers``, ``times``,
``quotes``, ``typos``), the clause parser built on them (``tui.engine.intents``), and the
agent's replies in the user's language (``replies``). Pure and deterministic: no I/O.
"""
