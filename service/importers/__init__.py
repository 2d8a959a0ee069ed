"""Importers that build FHIR CodeSystems from external terminology distributions."""
