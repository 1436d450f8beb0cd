//! Loading: making every worker hold the batch's workload, built once per worker.

use std::sync::Arc;

use poolbench_core::{Model, ModelError, Workload};
use poolbench_workloads::BuildContext;

use super::{Loaded, ProcessPool, Slot, State, Worker};
use crate::model::StartMethod;
use crate::protocol::{read_frame, write_frame, Reply, Request};

impl ProcessPool {
    /// Makes every worker hold `workload`: `fork` workers are re-forked from this process;
    /// the others are sent `Init` once (and reply when built).
    pub(super) fn load(
        &self,
        st: &mut State,
        workload: &Arc<dyn Workload>,
    ) -> Result<(), ModelError> {
        // The common case, checked first because `run` calls this inside the timed batch:
        // the very workload the workers already hold.
        let held = st
            .loaded
            .as_ref()
            .is_some_and(|l| Arc::ptr_eq(&l.workload, workload));
        if held && !st.slots.is_empty() {
            return Ok(());
        }
        let spec_json =
            serde_json::to_string(workload.spec()).map_err(|e| ModelError::Internal {
                message: e.to_string(),
            })?;
        // A different instance with the same spec needs no rebuild, except for `fork`
        // workers, which hold the inherited instance itself.
        let same_spec = st.loaded.as_ref().is_some_and(|l| l.spec_json == spec_json)
            && self.model.method() != StartMethod::Fork;
        if same_spec && !st.slots.is_empty() {
            st.loaded = Some(Loaded {
                workload: Arc::clone(workload),
                spec_json,
            });
            return Ok(());
        }
        st.loaded = Some(Loaded {
            workload: Arc::clone(workload),
            spec_json: spec_json.clone(),
        });
        let start_error = |message: String| ModelError::Start {
            model: self.model.name(),
            message,
        };
        if self.model.method() == StartMethod::Fork {
            self.retire_all(st);
            for _ in 0..self.size {
                let worker = self.launch(st).map_err(start_error)?;
                st.slots.push(Slot::new(worker));
            }
            return Ok(());
        }
        for slot in &mut st.slots {
            write_frame(&mut slot.worker.socket, &init_request(&spec_json)).map_err(|e| {
                start_error(format!("worker {} did not take Init: {e}", slot.worker.pid))
            })?;
        }
        for slot in &mut st.slots {
            await_ready(&mut slot.worker).map_err(start_error)?;
        }
        Ok(())
    }
}

pub(super) fn init_request(spec_json: &str) -> Request {
    Request::Init {
        spec_json: spec_json.to_owned(),
        cache_dir: BuildContext::default().cache_dir,
    }
}

pub(super) fn initialise(worker: &mut Worker, spec_json: &str) -> Result<(), String> {
    write_frame(&mut worker.socket, &init_request(spec_json))
        .map_err(|e| format!("worker {} did not take Init: {e}", worker.pid))?;
    await_ready(worker)
}

pub(super) fn await_ready(worker: &mut Worker) -> Result<(), String> {
    match read_frame::<Reply>(&mut worker.socket) {
        Ok(Reply::Ready) => Ok(()),
        Ok(Reply::InitFailed { message }) => {
            Err(format!("worker could not build the workload: {message}"))
        }
        Ok(other) => Err(format!(
            "worker {} answered Init with {other:?}",
            worker.pid
        )),
        Err(e) => Err(format!(
            "worker {} died while building the workload: {e}",
            worker.pid
        )),
    }
}
