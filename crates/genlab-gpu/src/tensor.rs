//! A flat f32 array in GPU memory: uploaded once, bound to kernels, read back only for what the
//! page shows.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use crate::{Gpu, GpuError};

pub struct Tensor {
    pub buffer: wgpu::Buffer,
    pub len: usize,
}

impl Tensor {
    /// A tensor of `len` zeros.
    pub fn zeros(gpu: &Gpu, len: usize) -> Tensor {
        let buffer = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("tensor"),
            // A zero-length binding is invalid: an empty tensor still owns one float.
            size: (len.max(1) * 4) as u64,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Tensor { buffer, len }
    }

    pub fn from_slice(gpu: &Gpu, values: &[f32]) -> Tensor {
        let t = Tensor::zeros(gpu, values.len());
        t.write(gpu, values);
        t
    }

    /// Overwrites the tensor's first `values.len()` elements.
    pub fn write(&self, gpu: &Gpu, values: &[f32]) {
        assert!(
            values.len() <= self.len,
            "{} values into {}",
            values.len(),
            self.len
        );
        if !values.is_empty() {
            gpu.queue
                .write_buffer(&self.buffer, 0, bytemuck::cast_slice(values));
        }
    }

    /// The tensor's values, after all work submitted so far; an error once the device is lost.
    pub async fn read(&self, gpu: &Gpu) -> Result<Vec<f32>, GpuError> {
        if gpu.is_lost() {
            return Err(GpuError::Lost);
        }
        if self.len == 0 {
            return Ok(Vec::new());
        }
        let size = (self.len * 4) as u64;
        let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        encoder.copy_buffer_to_buffer(&self.buffer, 0, &staging, 0, size);
        gpu.queue.submit([encoder.finish()]);
        let mapped = Mapped::default();
        let signal = mapped.0.clone();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let mut state = signal.lock().unwrap();
            state.0 = Some(result.is_ok());
            if let Some(waker) = state.1.take() {
                waker.wake();
            }
        });
        gpu.wait();
        if !mapped.await || gpu.is_lost() {
            return Err(GpuError::Lost);
        }
        let values = {
            let view = staging.get_mapped_range(..).map_err(|_| GpuError::Lost)?;
            bytemuck::cast_slice::<u8, f32>(&view).to_vec()
        };
        staging.unmap();
        Ok(values)
    }

    /// [`Tensor::read`], blocking (native code: tests and the bench).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read_blocking(&self, gpu: &Gpu) -> Vec<f32> {
        pollster::block_on(self.read(gpu)).expect("reading a tensor back")
    }
}

/// Resolves when `map_async`'s callback has run: to whether the mapping succeeded.
#[derive(Default)]
struct Mapped(Arc<Mutex<(Option<bool>, Option<Waker>)>>);

impl Future for Mapped {
    type Output = bool;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let mut state = self.0.lock().unwrap();
        match state.0 {
            Some(ok) => Poll::Ready(ok),
            None => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
