using System.IO.Compression;
using System.Text;

namespace VodFunctions.Console.Tests.Infrastructure;

/// <summary>Small real PNG files (a gradient per seed), so that covers and images render in the browser.</summary>
public static class TestImages
{
    private static readonly (byte R, byte G, byte B)[][] Palettes =
    [
        [(20, 60, 140), (80, 170, 220)],
        [(150, 40, 60), (240, 150, 90)],
        [(20, 110, 80), (160, 220, 140)],
        [(70, 40, 130), (200, 120, 220)],
        [(30, 30, 40), (120, 140, 170)],
    ];

    public static byte[] Cover(int seed, int width = 160, int height = 90)
    {
        var (from, to) = (Palettes[seed % Palettes.Length][0], Palettes[seed % Palettes.Length][1]);
        var raw = new byte[height * (1 + width * 3)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 3);
            for (var x = 0; x < width; x++)
            {
                var t = (x + y) / (double)(width + height);
                var stripe = (x / 12 + y / 12) % 2 == 0 ? 0 : 12;
                raw[row + 1 + x * 3] = (byte)Math.Min(255, from.R + (to.R - from.R) * t + stripe);
                raw[row + 2 + x * 3] = (byte)Math.Min(255, from.G + (to.G - from.G) * t + stripe);
                raw[row + 3 + x * 3] = (byte)Math.Min(255, from.B + (to.B - from.B) * t + stripe);
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        WriteInt(header, 0, width);
        WriteInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        WriteInt(length, 0, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        WriteInt(crc, 0, (int)Crc32(typed));
        png.Write(crc);
    }

    private static void WriteInt(byte[] buffer, int offset, int value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
