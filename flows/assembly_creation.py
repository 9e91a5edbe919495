"""assembly-creation: staff create a general assembly (draft) from a form in the Prefect UI."""

# No `from __future__ import annotations`: the deployment's runner resolves the parameter
# model from the annotation.

from typing import Annotated, Any

from prefect import flow, runtime
from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from flows.forms import as_typed, titled
from governance.assembly.rules.assembly_form import AssemblyForm
from tasks.assembly_creation import create_assembly_from_form
from tasks.runs import explain_refusal

FORM = titled("New general assembly", "Fill it as the board decided it; times are Brussels time")


def _run_name() -> str:
    form = runtime.flow_run.parameters.get("assembly") or {}
    title = form.get("title") if isinstance(form, dict) else getattr(form, "title", None)
    return f"assembly · {title}" if title else "assembly · new"


@flow(name="assembly-creation", flow_run_name=_run_name, log_prints=True)
def assembly_creation(assembly: Annotated[AssemblyForm, FORM]) -> State[Any]:
    """Check the form against the statutes, then record the draft assembly and its agenda;
    convene it next with the assembly-convening deployment."""
    done = create_assembly_from_form(assembly)
    if "problems" in done:
        problems = "\n".join(f"- {p}" for p in done["problems"])
        typed = {"assembly": as_typed(assembly)}
        explain_refusal("Assembly not created, correct the form", done["problems"], typed)
        return Failed(message=f"Assembly not created, correct the form:\n{problems}")
    verb = "created" if done["created"] else "already created by an earlier run"
    message = f"Assembly {done['assembly_id']} {verb}: convene it with assembly-convening"
    print(message)
    return Completed(message=message, data=done)
