"""The emulator's REST face (Marketo's REST API, the documented successor of SOAP): identity, lead database,
asset and bulk endpoints over the same state, limits and fault injection as the SOAP face (see ``face``)."""
