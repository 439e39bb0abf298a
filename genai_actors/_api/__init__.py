# genai_actors._api: one module per API surface, and the toolkit they share.
#   _toolkit.py            send a built request, decode (one rule), page query, per-call options
#   _models.py             client.models (generation, embeddings, tokens, model metadata, media)
#   _models_stream.py      GenerateContentStream (streamed generation, AFC over streams)
#   _models_media.py       decoders of prediction answers (images, masks, embeddings, models)
#   _afc.py                automatic function calling (plan, run tools, budget)
#   _operations.py         client.operations (get, wait, watch)
#   _files.py              client.files; _upload.py / _download.py: resumable upload, media
#   _caches.py             client.caches
#   _batches.py            client.batches; _batch_results.py: results matched by key
#   _tunings.py            client.tunings
#   _file_search_stores.py client.file_search_stores; _documents.py: its .documents
#   _auth_tokens.py        client.auth_tokens
# A surface imports the toolkit, request builders (_transformers), types, errors, pagers and the
# HTTP seam; never another surface for a helper (docs/architecture.md; tests/test_layers.py).
"""The API surfaces of the client (private: reached through ``AsyncClient`` / ``Client``)."""
