"""The terminology engine: plain Python over indexed content. Imports neither Flask nor fhir.resources."""
