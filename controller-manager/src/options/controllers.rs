//! Which controllers run and how many objects each works on at once (`--controllers`,
//! `--concurrent-*-syncs`), as upstream's generic and per-controller option groups declare them.

use component_base::duration::GoDuration;

/// The `--controllers` flag and the controllers' shared timing.
#[derive(Debug, Clone, clap::Args)]
pub struct GenericControllerOptions {
    /// Controllers to run: '*' for those on by default, 'foo' to add one, '-foo' to leave one out.
    #[arg(long = "controllers", value_name = "strings", value_delimiter = ',', default_value = "*")]
    pub controllers: Vec<String>,

    /// Informers resync with a random period between this and twice this.
    #[arg(long = "min-resync-period", value_name = "duration", default_value = "12h0m0s")]
    pub min_resync_period: GoDuration,
}

impl GenericControllerOptions {
    /// Whether `name` runs: named, or covered by '*' when `on_by_default`, and not excluded with '-name'.
    pub fn is_enabled(&self, name: &str, on_by_default: bool) -> bool {
        let mut enabled = false;
        for item in &self.controllers {
            if item.strip_prefix('-') == Some(name) {
                return false;
            }
            enabled |= item == name || (item == "*" && on_by_default);
        }
        enabled
    }
}

/// How many objects of each kind the controllers reconcile at once.
#[derive(Debug, Clone, clap::Args)]
pub struct ConcurrencyOptions {
    /// Deployments synced at once.
    #[arg(long = "concurrent-deployment-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_deployment_syncs: u32,

    /// ReplicaSets synced at once.
    #[arg(long = "concurrent-replicaset-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_replicaset_syncs: u32,

    /// ReplicationControllers synced at once.
    #[arg(long = "concurrent-rc-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_rc_syncs: u32,

    /// StatefulSets synced at once.
    #[arg(long = "concurrent-statefulset-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_statefulset_syncs: u32,

    /// DaemonSets synced at once.
    #[arg(long = "concurrent-daemonset-syncs", value_name = "int32", default_value = "2")]
    pub concurrent_daemonset_syncs: u32,

    /// Jobs synced at once.
    #[arg(long = "concurrent-job-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_job_syncs: u32,

    /// CronJobs synced at once.
    #[arg(long = "concurrent-cron-job-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_cron_job_syncs: u32,

    /// Endpoints objects synced at once.
    #[arg(long = "concurrent-endpoint-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_endpoint_syncs: u32,

    /// Services whose EndpointSlices are synced at once.
    #[arg(long = "concurrent-service-endpoint-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_service_endpoint_syncs: u32,

    /// Services synced at once (load balancers).
    #[arg(long = "concurrent-service-syncs", value_name = "int32", default_value = "1")]
    pub concurrent_service_syncs: u32,

    /// Namespaces being deleted at once.
    #[arg(long = "concurrent-namespace-syncs", value_name = "int32", default_value = "10")]
    pub concurrent_namespace_syncs: u32,

    /// ResourceQuotas synced at once.
    #[arg(long = "concurrent-resource-quota-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_resource_quota_syncs: u32,

    /// Service account token Secrets synced at once.
    #[arg(long = "concurrent-serviceaccount-token-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_serviceaccount_token_syncs: u32,

    /// Garbage collector workers.
    #[arg(long = "concurrent-gc-syncs", value_name = "int32", default_value = "20")]
    pub concurrent_gc_syncs: u32,

    /// Finished Jobs cleaned up after their TTL at once.
    #[arg(long = "concurrent-ttl-after-finished-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_ttl_after_finished_syncs: u32,

    /// HorizontalPodAutoscalers synced at once.
    #[arg(long = "concurrent-horizontal-pod-autoscaler-syncs", value_name = "int32", default_value = "5")]
    pub concurrent_horizontal_pod_autoscaler_syncs: u32,
}
