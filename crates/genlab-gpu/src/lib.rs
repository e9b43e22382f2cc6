//! genlab's compute kernels: WGSL through wgpu (Vulkan natively, WebGPU in the browser).
//!
//! Every kernel's `.wgsl` sits beside its Rust module and has a CPU twin in `genlab-core` — the
//! code the CPU lessons run — that its tests compare it with on random inputs, odd sizes
//! included. The device is passed in ([`Gpu::new`]), so tests, the bench and the page's worker
//! each bring their own. Kernels are bound to their buffers once ([`matmul::Matmul::new`]...):
//! a training step only records dispatches, and nothing is read back unless asked for.

pub mod accel;
pub mod adam;
pub mod autoencoder;
pub mod dbn_ae;
pub mod dbn_classifier;
pub mod dbn_generator;
pub mod dbn_stack;
pub mod discriminator;
pub mod elementwise;
pub mod matmul;
pub mod rbm;
pub mod shaping;
pub mod tensor;
pub mod vae;
pub mod vae_likelihood;

pub use tensor::Tensor;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A device and its queue, with what the page shows about them.
pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    /// The adapter's name ("llvmpipe (LLVM 15.0.6, 256 bits)", "NVIDIA H100 ...").
    pub adapter: String,
    pub(crate) lost: Arc<AtomicBool>,
    /// Compiled pipelines by shader, entry point and override constants: a model binds the same
    /// kernel to many buffers (the VAE: 12 products, 8 Adam blocks) and compiles it once.
    pipelines: Mutex<HashMap<String, wgpu::ComputePipeline>>,
}

/// Why a result could not be read back from the device.
#[derive(Clone, Debug, PartialEq)]
pub enum GpuError {
    /// The device was lost (driver reset, tab in the background too long, `destroy`): what is
    /// on it is gone; the caller continues from its last good copy on the CPU.
    Lost,
}

impl std::fmt::Display for GpuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GpuError::Lost => write!(f, "the GPU device was lost"),
        }
    }
}

/// Why no GPU path is available: shown to the user beside "CPU fallback".
#[derive(Clone, Debug, PartialEq)]
pub enum Unavailable {
    /// The platform offers no adapter (no WebGPU in this browser, no Vulkan driver).
    NoAdapter(String),
    /// An adapter was found but refused a device.
    NoDevice(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NoAdapter(why) => write!(f, "no GPU adapter: {why}"),
            Unavailable::NoDevice(why) => write!(f, "the GPU adapter gave no device: {why}"),
        }
    }
}

impl Gpu {
    /// Wraps a device the caller created.
    pub fn new(device: wgpu::Device, queue: wgpu::Queue, adapter: String) -> Self {
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        device
            .set_device_lost_callback(move |_reason, _message| flag.store(true, Ordering::SeqCst));
        // An error nobody captured (work submitted to a device that is already gone, before its
        // lost callback ran) must not panic the worker: nothing on the device can be trusted
        // any more, so it counts as lost and the lesson falls back to the CPU.
        let flag = lost.clone();
        device.on_uncaptured_error(Arc::new(move |_error| flag.store(true, Ordering::SeqCst)));
        Gpu {
            device,
            queue,
            adapter,
            lost,
            pipelines: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the device has been lost: nothing more can run or be read on it.
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// The platform's default adapter and a device with its default limits raised to what the
    /// adapter allows for storage buffers (784 × 1024 floats and more).
    pub async fn request() -> Result<Gpu, Unavailable> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| Unavailable::NoAdapter(e.to_string()))?;
        let supported = adapter.limits();
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: supported.max_storage_buffer_binding_size,
            max_buffer_size: supported.max_buffer_size,
            max_storage_buffers_per_shader_stage: supported
                .max_storage_buffers_per_shader_stage
                .min(8),
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("genlab"),
                required_limits: limits,
                ..Default::default()
            })
            .await
            .map_err(|e| Unavailable::NoDevice(e.to_string()))?;
        let info = adapter.get_info();
        // Browsers may withhold the adapter's name (WebGPU's `description` is often empty).
        let name = if !info.name.is_empty() {
            info.name
        } else if info.device_type == wgpu::DeviceType::Cpu {
            "a software fallback adapter (the browser gives no name)".to_string()
        } else {
            "an adapter the browser gives no name".to_string()
        };
        Ok(Gpu::new(device, queue, name))
    }

    /// The largest batch up to `requested` whose biggest per-batch tensor (`floats_per_image`
    /// values per image) fits one storage binding and one buffer on this device. The page
    /// shows a notice when it returns less than asked.
    pub fn fit_batch(&self, requested: usize, floats_per_image: usize) -> usize {
        let limits = self.device.limits();
        let max_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        fit_batch(requested, floats_per_image, max_bytes)
    }

    /// Records `f`'s dispatches in one compute pass and submits them.
    pub fn run(&self, f: impl FnOnce(&mut wgpu::ComputePass<'_>)) {
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
            f(&mut pass);
        }
        self.queue.submit([encoder.finish()]);
    }

    /// Blocks until the queue is idle (natively; in the browser reads await instead).
    pub fn wait(&self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.device.poll(wgpu::PollType::wait_indefinitely());
    }

    /// A pipeline with values for the shader's `override` constants, fixed when it compiles.
    fn pipeline(
        &self,
        label: &str,
        source: &str,
        entry: &str,
        constants: &[(&str, f64)],
    ) -> wgpu::ComputePipeline {
        // The shaders are `include_str!` statics: their address names them.
        let key = format!("{:p}/{entry}/{constants:?}", source.as_ptr());
        let mut cache = self.pipelines.lock().unwrap();
        if let Some(pipeline) = cache.get(&key) {
            return pipeline.clone();
        }
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: None,
                module: &module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants,
                    ..Default::default()
                },
                cache: None,
            });
        cache.insert(key, pipeline.clone());
        pipeline
    }

    /// A uniform buffer holding `value`, rewritten with [`Gpu::write_uniform`].
    fn uniform<T: bytemuck::Pod>(&self, value: &T) -> wgpu::Buffer {
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("uniform"),
            size: std::mem::size_of::<T>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.write_uniform(&buffer, value);
        buffer
    }

    fn write_uniform<T: bytemuck::Pod>(&self, buffer: &wgpu::Buffer, value: &T) {
        self.queue
            .write_buffer(buffer, 0, bytemuck::bytes_of(value));
    }

    /// A bind group for group 0 of `pipeline` over `buffers`, bound at 0, 1, 2... in order.
    fn bind(&self, pipeline: &wgpu::ComputePipeline, buffers: &[&wgpu::Buffer]) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        })
    }
}

/// See [`Gpu::fit_batch`]: at least one image, at most what `max_bytes` holds.
pub fn fit_batch(requested: usize, floats_per_image: usize, max_bytes: u64) -> usize {
    let per_image = (floats_per_image.max(1) * 4) as u64;
    requested
        .min((max_bytes / per_image).max(1) as usize)
        .max(1)
}

/// Anything that records its dispatches into a compute pass: a model is a list of these.
pub trait Record {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>);
}

/// One entry point of a shader bound to its buffers (bindings 0, 1, 2... in order), with its
/// work-group count: built once, recorded every step.
pub struct Dispatch {
    pipeline: wgpu::ComputePipeline,
    bind: wgpu::BindGroup,
    groups: (u32, u32),
}

impl Dispatch {
    fn new(
        gpu: &Gpu,
        source: &str,
        entry: &str,
        buffers: &[&wgpu::Buffer],
        groups: (u32, u32),
    ) -> Dispatch {
        Dispatch::with_constants(gpu, source, entry, &[], buffers, groups)
    }

    fn with_constants(
        gpu: &Gpu,
        source: &str,
        entry: &str,
        constants: &[(&str, f64)],
        buffers: &[&wgpu::Buffer],
        groups: (u32, u32),
    ) -> Dispatch {
        let pipeline = gpu.pipeline(entry, source, entry, constants);
        let bind = gpu.bind(&pipeline, buffers);
        Dispatch {
            pipeline,
            bind,
            groups,
        }
    }
}

impl Record for Dispatch {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind, &[]);
        pass.dispatch_workgroups(self.groups.0, self.groups.1, 1);
    }
}

/// Work-groups for `n` invocations of a 1-D kernel with 256 threads per group, spread over x and
/// y so no dimension passes the 65,535 limit; the kernels rebuild the index from both.
fn groups_1d(n: usize) -> (u32, u32) {
    let groups = n.div_ceil(256).max(1);
    if groups <= 65_535 {
        (groups as u32, 1)
    } else {
        (65_535, groups.div_ceil(65_535) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_shrink_to_what_one_binding_holds() {
        // WebGPU's default binding limit, 128 MiB: 784 × 1024 floats fit easily.
        assert_eq!(fit_batch(1024, 784, 128 << 20), 1024);
        // A 1 MiB binding holds 334 images of 784 floats.
        assert_eq!(fit_batch(1024, 784, 1 << 20), 334);
        assert_eq!(fit_batch(0, 784, 1 << 20), 1);
        assert_eq!(fit_batch(10, 1 << 30, 1 << 20), 1);
        // The test device's own limits leave the lecture's sizes alone.
        assert_eq!(testing::gpu().fit_batch(1000, 784), 1000);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Gpu;
    use std::sync::OnceLock;

    /// One device for all of a test binary's tests (lavapipe on a CI machine; `scripts/setup.sh`
    /// installs it). No adapter is a failure, not a skip: the kernels must be tested.
    pub fn gpu() -> &'static Gpu {
        static GPU: OnceLock<Gpu> = OnceLock::new();
        GPU.get_or_init(|| {
            pollster::block_on(Gpu::request()).unwrap_or_else(|e| {
                panic!("{e} — install a Vulkan driver (scripts/setup.sh installs lavapipe)")
            })
        })
    }

    /// Uniform numbers in [-1, 1) from a fixed seed.
    pub fn random(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = genlab_core::rng::Rng::new(seed);
        (0..n).map(|_| (2.0 * rng.uniform() - 1.0) as f32).collect()
    }

    /// Largest |a − b| (pictures: a fraction of a pixel's range).
    pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    /// Largest |a − b| relative to max(1, |b|).
    pub fn max_rel_diff(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(&x, &y)| (x - y).abs() / y.abs().max(1.0))
            .fold(0.0, f32::max)
    }
}
