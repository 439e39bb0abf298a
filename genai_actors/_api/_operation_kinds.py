"""Which operation type a long-running operation (or its name alone) is: one rule for every surface.

``operations.get`` and ``file_search_stores`` both type an operation they only know by name:
a model's prediction operation is a video job, a file-search operation is an import or an
upload (by the ``/upload/operations/`` segment), anything else a plain :class:`Operation`.
"""

from __future__ import annotations

from typing import TypeAlias

from ..types._file_search import ImportFileOperation, UploadToFileSearchStoreOperation
from ..types._operations import GenerateVideosOperation, Operation

__all__ = ["StoreOp", "operation_class", "store_operation_class"]

StoreOp: TypeAlias = ImportFileOperation | UploadToFileSearchStoreOperation


def store_operation_class(operation: object) -> type[StoreOp]:
    """The operation type of a file-search import or upload (an object or its name)."""
    if isinstance(operation, UploadToFileSearchStoreOperation):
        return UploadToFileSearchStoreOperation
    if isinstance(operation, ImportFileOperation):
        return ImportFileOperation
    if isinstance(operation, str) and "/upload/operations/" in operation:
        return UploadToFileSearchStoreOperation
    return ImportFileOperation


def operation_class(operation: object) -> type[Operation]:
    """The operation type of any operation (an object or its name)."""
    if isinstance(operation, Operation):
        return type(operation)
    if isinstance(operation, str):
        if operation.startswith(("models/", "publishers/")) or "/publishers/" in operation:
            return GenerateVideosOperation  # prediction operations of models are video jobs
        if operation.startswith("fileSearchStores/"):
            return store_operation_class(operation)
    return Operation
