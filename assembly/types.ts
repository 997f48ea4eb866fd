// Covariance type codes shared with the wrapper (src/core/core.ts mirrors them).
export const FULL: i32 = 0;
export const TIED: i32 = 1;
export const DIAG: i32 = 2;
export const SPHERICAL: i32 = 3;

export const LOG_2PI: f64 = 1.8378770664093453; // log(2π)
