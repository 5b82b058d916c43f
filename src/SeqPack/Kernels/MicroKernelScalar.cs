namespace SeqPack.Kernels;

/// <summary>
/// The scalar GEMM micro-kernel (used when no vector width is hardware-accelerated): an up-to-4×4 block of C
/// from packed panels (KC steps of 4 A floats and 4 B floats). Effectively computes
/// <c>C[i, j] = alpha·Σ_p A[i, p]·B[p, j] + beta·C[i, j]</c>, each sum in increasing p.
/// </summary>
internal static unsafe class MicroKernelScalar
{
    public const int MR = 4, NR = 4;

    public static void Run(int rows, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < rows; i++)
            {
                float ai = a[i];
                float* row = acc + i * NR;
                row[0] += ai * b[0];
                row[1] += ai * b[1];
                row[2] += ai * b[2];
                row[3] += ai * b[3];
            }
            a += MR;
            b += NR;
        }
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc;
            for (int j = 0; j < NR; j++)
                ci[j] = beta == 0f ? alpha * acc[i * NR + j] : alpha * acc[i * NR + j] + beta * ci[j];
        }
    }
}
