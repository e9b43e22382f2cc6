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
        let mut parts = ReadBack::start(gpu, &[self]).finish().await?;
        Ok(parts.pop().unwrap_or_default())
    }

    /// [`Tensor::read`], blocking (native code: tests and the bench).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read_blocking(&self, gpu: &Gpu) -> Vec<f32> {
        pollster::block_on(self.read(gpu)).expect("reading a tensor back")
    }
}

/// Several tensors copied back at one point of the queue: the copies are submitted when the
/// read starts, so work submitted later (more training steps) does not reach what it returns,
/// however late the caller awaits it. One staging buffer and one mapping for all of them.
pub struct ReadBack {
    staging: Option<wgpu::Buffer>,
    lens: Vec<usize>,
    mapped: Mapped,
    /// Polled natively (the browser maps on its own).
    #[cfg(not(target_arch = "wasm32"))]
    device: wgpu::Device,
    lost: Arc<std::sync::atomic::AtomicBool>,
}

impl ReadBack {
    pub fn start(gpu: &Gpu, tensors: &[&Tensor]) -> ReadBack {
        let lens: Vec<usize> = tensors.iter().map(|t| t.len).collect();
        let total: usize = lens.iter().sum();
        let mapped = Mapped::default();
        let mut read = ReadBack {
            staging: None,
            lens,
            mapped: Mapped(mapped.0.clone()),
            #[cfg(not(target_arch = "wasm32"))]
            device: gpu.device.clone(),
            lost: gpu.lost.clone(),
        };
        if gpu.is_lost() || total == 0 {
            mapped.0.lock().unwrap().0 = Some(!gpu.is_lost());
            return read;
        }
        let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: (total * 4) as u64,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        let mut offset = 0;
        for t in tensors {
            let size = (t.len * 4) as u64;
            if size > 0 {
                encoder.copy_buffer_to_buffer(&t.buffer, 0, &staging, offset, size);
            }
            offset += size;
        }
        gpu.queue.submit([encoder.finish()]);
        let signal = mapped.0;
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let mut state = signal.lock().unwrap();
            state.0 = Some(result.is_ok());
            if let Some(waker) = state.1.take() {
                waker.wake();
            }
        });
        read.staging = Some(staging);
        read
    }

    /// Each tensor's values, in the order given; an error once the device is lost.
    pub async fn finish(self) -> Result<Vec<Vec<f32>>, GpuError> {
        use std::sync::atomic::Ordering;
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.device.poll(wgpu::PollType::wait_indefinitely());
        let lost = || self.lost.load(Ordering::SeqCst);
        if !self.mapped.await || lost() {
            return Err(GpuError::Lost);
        }
        let Some(staging) = self.staging else {
            return Ok(self.lens.iter().map(|_| Vec::new()).collect());
        };
        let values = {
            let view = staging.get_mapped_range(..).map_err(|_| GpuError::Lost)?;
            bytemuck::cast_slice::<u8, f32>(&view).to_vec()
        };
        staging.unmap();
        let mut parts = Vec::with_capacity(self.lens.len());
        let mut at = 0;
        for len in self.lens {
            parts.push(values[at..at + len].to_vec());
            at += len;
        }
        Ok(parts)
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
