"""Files from outside: one home for the checks every untrusted file goes through.

Receipts (.docx/.xlsx/.csv and old formats), notices (.docx), approval documents (PDF/JPEG/PNG),
declaration proofs (screenshots), and wave 2's seating-plan JSON and PDFs are all opened through
`huiwu.core.files.safety` — size, first bytes (not the name), zip directory, XML without DOCTYPE,
JSON depth and size, PDF sanity — each with limits its caller passes in (`safety.Limits`). Every
refusal is an `UnsafeFile` whose message says in plain Chinese what is wrong and what to do; the
messages name no domain (the caller may prefix its own words).

Import from the module (`from huiwu.core.files.safety import UnsafeFile, check_file`); this
package imports nothing at load time. What a file *means* (receipt headers, notice text) stays in
its app: this package only knows formats.
"""
