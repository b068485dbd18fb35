// Original file: proto/stylerun.proto


export interface ChunkStored {
}

export interface ChunkStored__Output {
}
