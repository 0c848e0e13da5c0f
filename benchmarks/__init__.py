"""Benchmarks of mktows, run as ``python -m benchmarks`` from the repository root (see ``--help``).

- ``codec`` (codec_bench.py): encode/decode speed of ``mktows.codec`` beside xsdata's generic serializer and
  parser, zeep on the same WSDL, and lxml's bare parse; the goals of PRODUCT.md section 7 marked PASS/FAIL.
- ``bulk`` (bulk.py): custom objects through the client against the emulator with scaled-down limits, and the
  peak memory of streaming a large CSV through the CLI.
- ``bridge`` (bridge.py): what ``Client.over_rest`` adds to a REST call, and the main job's throughput over
  REST against the emulator's REST face with scaled limits (PRODUCT.md section 9).

Results and the machine they ran on go to ``benchmarks/RESULTS.md``. Nothing here runs in the test suite.
"""
