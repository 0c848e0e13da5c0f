"""Build tool: turns a pinned mktows WSDL into the typed ``mktows_generated`` package.

Run it from the repository root as ``python -m codegen``. The runtime packages never import it.
"""
