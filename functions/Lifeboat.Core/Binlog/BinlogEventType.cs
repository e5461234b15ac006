namespace Lifeboat.Core.Binlog;

/// <summary>Binlog event type codes: MySQL's below 128, MariaDB's from 160.</summary>
public enum BinlogEventType : byte
{
    Unknown = 0,
    StartV3 = 1,
    Query = 2,
    Stop = 3,
    Rotate = 4,
    Intvar = 5,
    Slave = 7,
    AppendBlock = 9,
    DeleteFile = 11,
    Rand = 13,
    UserVar = 14,
    FormatDescription = 15,
    Xid = 16,
    BeginLoadQuery = 17,
    ExecuteLoadQuery = 18,
    TableMap = 19,
    WriteRowsV1 = 23,
    UpdateRowsV1 = 24,
    DeleteRowsV1 = 25,
    Incident = 26,
    Heartbeat = 27,
    Ignorable = 28,
    RowsQuery = 29,
    WriteRowsV2 = 30,
    UpdateRowsV2 = 31,
    DeleteRowsV2 = 32,
    MySqlGtid = 33,
    MySqlAnonymousGtid = 34,
    MySqlPreviousGtids = 35,
    TransactionContext = 36,
    ViewChange = 37,
    XaPrepare = 38,
    PartialUpdateRows = 39,
    TransactionPayload = 40,
    HeartbeatV2 = 41,
    MySqlGtidTagged = 42,
    AnnotateRows = 160,
    BinlogCheckpoint = 161,
    MariaDbGtid = 162,
    MariaDbGtidList = 163,
    StartEncryption = 164,
    QueryCompressed = 165,
    WriteRowsCompressedV1 = 166,
    UpdateRowsCompressedV1 = 167,
    DeleteRowsCompressedV1 = 168,
    WriteRowsCompressed = 169,
    UpdateRowsCompressed = 170,
    DeleteRowsCompressed = 171,
}

/// <summary>What a rows event does to its table.</summary>
public enum BinlogRowsKind
{
    Write,
    Update,
    Delete,
}

/// <summary>The checksum algorithm a binlog's format description event announces for every event in the file.</summary>
public enum BinlogChecksumAlgorithm : byte
{
    Off = 0,
    Crc32 = 1,

    /// <summary>Written by servers older than MySQL 5.6.1 / MariaDB 5.3, which have no checksums.</summary>
    Undefined = 255,
}
